using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crowdstart.Pipeline.Processing;

/// <summary>
/// Which log partitions this process consumes, when several processes run the pipeline against one database. Each
/// partition is owned through a PostgreSQL session advisory lock held on one dedicated connection: a process that
/// dies (even by <c>kill -9</c>) loses its connection and with it every lock at once, so another process takes its
/// partitions over at its next rebalance. Processes share the partitions evenly: each one holds a shared "member"
/// lock, counts the members and keeps at most its fair share (ceil(partitions / members)), releasing extras for the
/// newcomers and taking unowned partitions up to its share.
/// <para>
/// Ownership is for efficiency; correctness does not rest on it: a batch commits only if the partition's checkpoint
/// is still where the batch read it (<see cref="CheckpointConflictException"/>), so even two consumers of one
/// partition (a release racing a batch) neither lose nor double-count.
/// </para>
/// </summary>
public sealed class PartitionOwnership(NpgsqlDataSource dataSource, int partitionCount, ILogger<PartitionOwnership> logger) : IAsyncDisposable
{
    /// <summary>The advisory-lock namespace (the first key of the two-key form) of the partition and member locks.</summary>
    public const int LockSpace = 0x4353_4C47; // "CSLG"

    /// <summary>The second key of the member lock (partitions use 0..n-1).</summary>
    public const int MemberKey = -1;

    // Advisory locks belong to a database, and pg_locks lists every database's: members are counted in this one only,
    // or processes of other databases on the same server would shrink this one's share and leave partitions unowned.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly bool[] _owned = new bool[partitionCount];
    private NpgsqlConnection? _connection;

    /// <summary>Whether this process consumes <paramref name="partition"/> now.</summary>
    public bool Owns(int partition) => Volatile.Read(ref _owned[partition]);

    /// <summary>The partitions this process consumes now.</summary>
    public IReadOnlyList<int> Owned => [.. Enumerable.Range(0, partitionCount).Where(Owns)];

    /// <summary>
    /// Joins (or re-joins after a lost connection), then moves towards this process's fair share. Returns the partitions
    /// owned afterwards. <paramref name="busy"/> tells which partitions are mid-batch, so none is released under one.
    /// </summary>
    public async Task<IReadOnlyList<int>> RebalanceAsync(Func<int, bool> busy, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var connection = await ConnectAsync(ct);
            int members;
            await using (var count = new NpgsqlCommand(
                """
                SELECT count(*)::int FROM pg_locks
                WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND classid = @space::oid AND objid = @member::bigint::oid AND objsubid = 2 AND granted
                """,
                connection))
            {
                count.Parameters.AddWithValue("space", LockSpace);
                count.Parameters.AddWithValue("member", (long)unchecked((uint)MemberKey));
                members = Math.Max(1, (int)(await count.ExecuteScalarAsync(ct))!);
            }
            var share = (partitionCount + members - 1) / members;
            var owned = Owned.ToList();
            // Give back the extras first (highest partitions, never one mid-batch), so newcomers find them free.
            foreach (var partition in owned.Where(p => !busy(p)).OrderDescending().Take(Math.Max(0, owned.Count - share)))
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@space, @key)", partition, ct);
                Volatile.Write(ref _owned[partition], false);
                logger.LogInformation("Released log partition {Partition} ({Members} processes share the pipeline)", partition, members);
            }
            // Then take free partitions up to the share, starting after the ones held, so processes spread out.
            for (var i = 0; i < partitionCount && Owned.Count < share; i++)
            {
                var partition = (i + Environment.ProcessId) % partitionCount;
                if (Owns(partition))
                {
                    continue;
                }
                if (await ExecuteAsync(connection, "SELECT pg_try_advisory_lock(@space, @key)", partition, ct) is true)
                {
                    Volatile.Write(ref _owned[partition], true);
                    logger.LogInformation("Took log partition {Partition} ({Members} processes share the pipeline)", partition, members);
                }
            }
            return Owned;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            // The connection, and every lock on it, is gone: stop consuming until we hold locks again.
            logger.LogWarning(ex, "Lost the partition locks; consumers pause until they are taken again");
            await DropConnectionAsync();
            return [];
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken ct)
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
        {
            return _connection;
        }
        await DropConnectionAsync();
        var connection = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock_shared(@space, @key)", MemberKey, ct);
        _connection = connection;
        return connection;
    }

    private async Task DropConnectionAsync()
    {
        Array.Clear(_owned);
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                // A pooled connection keeps its session: its locks must not outlive this owner.
                if (connection.State == System.Data.ConnectionState.Open)
                {
                    await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection);
                    await unlock.ExecuteNonQueryAsync();
                }
            }
            catch (NpgsqlException)
            {
                // The session is gone, and its locks with it.
            }
            await connection.DisposeAsync();
        }
    }

    private static async Task<object?> ExecuteAsync(NpgsqlConnection connection, string sql, int key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue("space", LockSpace);
        cmd.Parameters.AddWithValue("key", key);
        return await cmd.ExecuteScalarAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await DropConnectionAsync();
        _gate.Dispose();
    }
}
