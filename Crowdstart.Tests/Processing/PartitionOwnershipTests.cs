using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Crowdstart.Tests.Processing;

/// <summary>Several processes share the partitions evenly, and a dead one's partitions move to the others.</summary>
[Layer(TestLayer.Database)]
public sealed class PartitionOwnershipTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    // Each owner gets a pool of its own, as another process would.
    private PartitionOwnership NewOwner() => new(NpgsqlDataSource.Create(db.ConnectionString), db.PartitionCount, NullLogger<PartitionOwnership>.Instance);

    private static Task<IReadOnlyList<int>> Rebalance(PartitionOwnership owner) => owner.RebalanceAsync(_ => false, default);

    [Fact]
    public async Task RebalanceAsync_SecondProcessJoins_PartitionsSplitEvenlyAndNeverTwice()
    {
        // Arrange
        await using var a = NewOwner();
        await using var b = NewOwner();
        Assert.Equal(db.PartitionCount, (await Rebalance(a)).Count);

        // Act: b joins and finds nothing free; a gives back its extras; b takes them
        var first = await Rebalance(b);
        await Rebalance(a);
        await Rebalance(b);

        // Assert
        Assert.Empty(first);
        Assert.Equal(db.PartitionCount / 2, a.Owned.Count);
        Assert.Equal(db.PartitionCount / 2, b.Owned.Count);
        Assert.Empty(a.Owned.Intersect(b.Owned));
    }

    [Fact]
    public async Task RebalanceAsync_ProcessOfAnotherDatabaseOnTheServer_DoesNotShrinkTheShare()
    {
        // Arrange: another app's pipeline on another database of the same server
        var other = new TestDatabase();
        await other.InitializeAsync();
        try
        {
            await using var elsewhere = new PartitionOwnership(NpgsqlDataSource.Create(other.ConnectionString), other.PartitionCount,
                NullLogger<PartitionOwnership>.Instance);
            await Rebalance(elsewhere);
            await using var here = NewOwner();

            // Act
            var owned = await Rebalance(here);

            // Assert: advisory locks belong to their database; only this database's processes share its partitions
            Assert.Equal(db.PartitionCount, owned.Count);
            Assert.Equal(other.PartitionCount, elsewhere.Owned.Count);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task RebalanceAsync_BusyPartition_NotReleasedUnderItsBatch()
    {
        // Arrange
        await using var a = NewOwner();
        await using var b = NewOwner();
        await Rebalance(a);
        await Rebalance(b);

        // Act: every partition of a is mid-batch
        await a.RebalanceAsync(_ => true, default);

        // Assert
        Assert.Equal(db.PartitionCount, a.Owned.Count);
    }

    [Fact]
    public async Task RebalanceAsync_OwnerKilled_SurvivorTakesEveryPartition()
    {
        // Arrange: two processes share the partitions
        await using var a = NewOwner();
        await using var b = NewOwner();
        await Rebalance(a);
        await Rebalance(b);
        await Rebalance(a);
        await Rebalance(b);
        Assert.NotEmpty(a.Owned);

        // Act: a's session dies as a killed process's would (its locks go with it)
        await using (var admin = new NpgsqlConnection(db.ConnectionString))
        {
            await admin.OpenAsync();
            // pg_terminate_backend returns before the session has gone; its locks go with it, so wait for that.
            await using var kill = new NpgsqlCommand(
                """
                SELECT pg_terminate_backend(l.pid), l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                WHERE d.datname = current_database() AND l.locktype = 'advisory' AND l.classid = @space::oid AND l.pid <> ALL(@b)
                """, admin);
            kill.Parameters.AddWithValue("space", PartitionOwnership.LockSpace);
            kill.Parameters.AddWithValue("b", await SessionsOfAsync(b.Owned));
            var killed = new List<int>();
            await using (var reader = await kill.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    killed.Add(reader.GetInt32(1));
                }
            }
            Assert.NotEmpty(killed);
            await using var gone = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(@p)", admin);
            gone.Parameters.AddWithValue("p", killed.Distinct().ToArray());
            for (var i = 0; i < 100 && (long)(await gone.ExecuteScalarAsync())! > 0; i++)
            {
                await Task.Delay(50);
            }
        }
        var survivor = await Rebalance(b);

        // Assert
        Assert.Equal(db.PartitionCount, survivor.Count);
    }

    private async Task<int[]> SessionsOfAsync(IReadOnlyList<int> partitions)
    {
        await using var admin = new NpgsqlConnection(db.ConnectionString);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            SELECT DISTINCT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
            WHERE d.datname = current_database() AND l.locktype = 'advisory' AND l.classid = @space::oid AND l.objid = ANY(@p::oid[])
            """, admin);
        cmd.Parameters.AddWithValue("space", PartitionOwnership.LockSpace);
        cmd.Parameters.AddWithValue("p", partitions.ToArray());
        var pids = new List<int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            pids.Add(reader.GetInt32(0));
        }
        return [.. pids];
    }
}
