using Crowdstart.Pipeline.Events;
using Npgsql;
using NpgsqlTypes;

namespace Crowdstart.Pipeline.Log;

/// <summary>
/// Appends events to the partitioned log in one transaction per call.
/// <para>
/// Offset scheme: each partition has a row in <c>log_partitions</c> holding its next offset. A writer locks
/// the rows of the partitions it touches (<c>FOR UPDATE</c>, in partition order so writers never deadlock),
/// hands out consecutive offsets, copies the events in and moves the counters, all before commit. The next
/// writer of a partition can only read the counter after the previous one committed, so offsets in a
/// partition become visible in increasing order: a reader that follows <c>offset &gt; last</c> can never
/// skip an event that commits late, which a plain sequence (handed out before commit) does not guarantee.
/// </para>
/// </summary>
public sealed class EventLogWriter(NpgsqlDataSource dataSource, int partitionCount, TimeProvider time)
{
    /// <summary>Channel for LISTEN/NOTIFY wake-ups of the consumers.</summary>
    public const string NotifyChannel = "crowdstart_log";

    /// <summary>
    /// Appends <paramref name="events"/>; returns, per input index, true when the event is new and false when
    /// its <c>eventId</c> was already logged (or appeared earlier in the same batch).
    /// </summary>
    public async Task<AppendResult> AppendAsync(IReadOnlyList<EventRecord> events, CancellationToken ct = default)
    {
        if (events.Count == 0)
        {
            return new AppendResult([], []);
        }
        // A concurrent writer in another process can log the same eventId for another customer between our
        // duplicate check and our COPY; the unique index then refuses the batch, and one retry sees it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AppendOnceAsync(events, ct);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected && attempt < 3)
            {
                // Two processes logging the same eventIds for different customers can also deadlock on the
                // unique index; PostgreSQL aborts one of them and the retry sees the other's rows.
            }
        }
    }

    private async Task<AppendResult> AppendOnceAsync(IReadOnlyList<EventRecord> events, CancellationToken ct)
    {
        var partitions = new int[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            partitions[i] = Partitioner.PartitionFor(events[i].CustomerId, partitionCount);
        }
        var touched = partitions.Distinct().Order().ToArray();

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        var nextOffsets = new Dictionary<int, long>(touched.Length);
        await using (var lockCmd = new NpgsqlCommand(
            "SELECT partition, next_offset FROM log_partitions WHERE partition = ANY(@p) ORDER BY partition FOR UPDATE",
            connection, tx))
        {
            lockCmd.Parameters.AddWithValue("p", touched);
            await using var reader = await lockCmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                nextOffsets[reader.GetInt32(0)] = reader.GetInt64(1);
            }
        }
        if (nextOffsets.Count != touched.Length)
        {
            throw new InvalidOperationException("The event log has fewer partitions than configured; run the storage initialisation.");
        }

        // Idempotency is per campaign: another tenant reusing (or guessing) an eventId never suppresses ours.
        var existing = new HashSet<(Guid, Guid)>();
        await using (var dupCmd = new NpgsqlCommand(
            "SELECT event_id, campaign_id FROM event_log WHERE event_id = ANY(@ids)", connection, tx))
        {
            dupCmd.Parameters.AddWithValue("ids", events.Select(e => e.EventId).Distinct().ToArray());
            await using var reader = await dupCmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                existing.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }
        }

        var inserted = new bool[events.Count];
        var offsets = new long[events.Count];
        var receivedAt = time.GetUtcNow();
        var count = 0;
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY event_log (partition, \"offset\", event_id, campaign_id, customer_id, session_id, type, occurred_at, received_at, source, amount, currency, properties) FROM STDIN (FORMAT BINARY)",
            ct))
        {
            // Synchronous column writes: they only fill Npgsql's buffer (a full buffer is a loopback socket write),
            // and 13 awaited writes per row cost more CPU than the rows themselves. The one writer loop owns this thread.
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                if (!existing.Add((e.EventId, e.CampaignId)))
                {
                    continue;
                }
                var p = partitions[i];
                var offset = nextOffsets[p];
                nextOffsets[p] = offset + 1;
                inserted[i] = true;
                offsets[i] = offset;
                count++;

                importer.StartRow();
                importer.Write(p, NpgsqlDbType.Integer);
                importer.Write(offset, NpgsqlDbType.Bigint);
                importer.Write(e.EventId, NpgsqlDbType.Uuid);
                importer.Write(e.CampaignId, NpgsqlDbType.Uuid);
                importer.Write(e.CustomerId, NpgsqlDbType.Text);
                importer.Write(e.SessionId, NpgsqlDbType.Text);
                importer.Write(e.Type, NpgsqlDbType.Text);
                importer.Write(e.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                importer.Write(receivedAt, NpgsqlDbType.TimestampTz);
                importer.Write(e.Source, NpgsqlDbType.Text);
                if (e.Amount is { } amount)
                {
                    importer.Write(amount, NpgsqlDbType.Numeric);
                }
                else
                {
                    importer.WriteNull();
                }
                if (e.Currency is { } currency)
                {
                    importer.Write(currency, NpgsqlDbType.Char);
                }
                else
                {
                    importer.WriteNull();
                }
                if (e.PropertiesJson is { } json)
                {
                    importer.Write(json, NpgsqlDbType.Jsonb);
                }
                else
                {
                    importer.WriteNull();
                }
            }
            await importer.CompleteAsync(ct);
        }

        if (count > 0)
        {
            var changed = nextOffsets.Keys.Order().ToArray();
            await using var update = new NpgsqlCommand(
                """
                UPDATE log_partitions AS p SET next_offset = v.next
                FROM unnest(@p, @n) AS v(partition, next) WHERE p.partition = v.partition;
                SELECT pg_notify(@channel, @payload);
                """, connection, tx);
            update.Parameters.AddWithValue("p", changed);
            update.Parameters.AddWithValue("n", changed.Select(p => nextOffsets[p]).ToArray());
            update.Parameters.AddWithValue("channel", NotifyChannel);
            update.Parameters.AddWithValue("payload", string.Join(',', touched));
            await update.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new AppendResult(inserted, offsets, touched);
    }
}

/// <summary>Outcome of one append.</summary>
/// <param name="Inserted">Per input event: true when new, false when a duplicate of a logged event.</param>
/// <param name="Offsets">Per input event: its offset within its partition (0 for duplicates).</param>
/// <param name="Partitions">Partitions that received events.</param>
public sealed record AppendResult(bool[] Inserted, long[] Offsets, int[]? Partitions = null)
{
    public int InsertedCount => Inserted.Count(x => x);
}
