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
            await using var kill = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = @space::oid AND objid < 1000 AND pid <> ALL(@b)", admin);
            kill.Parameters.AddWithValue("space", PartitionOwnership.LockSpace);
            kill.Parameters.AddWithValue("b", await SessionsOfAsync(b.Owned));
            await kill.ExecuteNonQueryAsync();
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
            "SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = @space::oid AND objid = ANY(@p::oid[])", admin);
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
