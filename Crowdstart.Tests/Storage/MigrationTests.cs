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

    [Fact]
    public async Task EnsurePartitions_OtherEngineAfterTheLogWasProcessed_RefusesNamingTheEngine()
    {
        // Arrange: the PostgreSQL engine has written and processed events, so the checkpoints hold its offsets
        var campaign = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "engine-guard", "Engine guard", "EUR", 100m, DateTimeOffset.UtcNow);
        await db.Log.AppendAsync([EventFactory.Event(campaign.Id, "c-engine", Crowdstart.Pipeline.Events.EventTypes.PageView, DateTimeOffset.UtcNow)]);
        for (var p = 0; p < db.PartitionCount; p++)
        {
            await db.Log.Processor(100).ProcessNextBatchAsync(p, default);
        }

        // Act
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => StorageInitializer.EnsurePartitionsAsync(db.DataSource, db.PartitionCount, Crowdstart.Pipeline.Log.LogEngine.JetStream));

        // Assert
        Assert.Contains("written and processed by the postgres engine", error.Message);
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM log_partitions WHERE engine <> 'postgres'"));
    }
}
