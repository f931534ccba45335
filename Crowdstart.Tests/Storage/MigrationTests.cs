using Crowdstart.Pipeline.Storage;
using Crowdstart.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Tests.Storage;

[Layer(TestLayer.Database)]
public class MigrationTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Model_ComparedWithCommittedMigrations_HasNoPendingChanges()
    {
        await using var context = await db.Contexts.CreateDbContextAsync();

        Assert.False(context.Database.HasPendingModelChanges(), "run 'dotnet ef migrations add' for the model change");
    }

    [Fact]
    public async Task EnsurePartitions_DifferentCountThanTheLogWasCreatedWith_Refuses()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => StorageInitializer.EnsurePartitionsAsync(db.DataSource, db.PartitionCount + 4));

        Assert.Contains($"created with {db.PartitionCount} partitions", error.Message);
        Assert.Equal(db.PartitionCount, await db.ScalarAsync<long>("SELECT count(*) FROM log_partitions"));
    }
}
