using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Processing;

/// <summary>Raised by the fault injector to stand for a process dying at that point.</summary>
public sealed class SimulatedCrashException(string point) : Exception($"simulated crash at {point}");

[Layer(TestLayer.Database)]
public sealed class PartitionProcessorCrashTests(TestDatabase db) : PartitionProcessorCrashTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class PartitionProcessorCrashTestsOnJetStream(JetStreamTestDatabase db) : PartitionProcessorCrashTests<JetStreamTestDatabase>(db);

/// <summary>The processor's crash and race safety, on each log engine (the engine is the fixture's).</summary>
public abstract class PartitionProcessorCrashTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private async Task<Guid> NewCampaignAsync() =>
        (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "crash-" + Guid.NewGuid().ToString("N")[..8], "Crash test", "EUR", 1000m, DateTimeOffset.UtcNow)).Id;

    [Fact]
    public async Task ProcessNextBatch_EventOfDeletedCampaign_IsDroppedAndTheCheckpointMoves()
    {
        // Arrange: an event of a campaign that no longer exists (deleted while its key was still cached, or while the
        // event waited in the stream).
        var stranger = EventFactory.Event(Guid.NewGuid(), "lost-customer", Crowdstart.Pipeline.Events.EventTypes.PageView, DateTimeOffset.UtcNow);
        await db.Log.AppendAsync([stranger]);
        var partition = Partitioner.PartitionFor("lost-customer", db.PartitionCount);
        var before = await db.ScalarAsync<long>($"SELECT \"offset\" FROM partition_checkpoints WHERE partition = {partition}");

        // Act
        var processor = db.Log.Processor(1000);
        while ((await processor.ProcessNextBatchAsync(partition, default)).EventCount > 0)
        {
        }

        // Assert: consumed, not counted anywhere, and its row is gone from the log.
        Assert.True(await db.ScalarAsync<long>($"SELECT \"offset\" FROM partition_checkpoints WHERE partition = {partition}") > before);
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{stranger.CampaignId}'"));
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM campaign_minute_rollups WHERE campaign_id = '{stranger.CampaignId}'"));
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM campaign_partition_totals WHERE campaign_id = '{stranger.CampaignId}'"));
    }

    [Fact]
    public async Task ProcessNextBatch_CrashesBetweenAndInsideBatches_RollupsEqualRecomputationFromLog()
    {
        // Arrange: two campaigns, 300 customers, events out of order over 15 minutes, appended in waves with
        // duplicates re-sent, and late events for old minutes arriving after those minutes were processed.
        var random = new Random(20261126);
        var campaigns = new[] { await NewCampaignAsync(), await NewCampaignAsync() };
        var start = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
                var crashes = 0;

        for (var wave = 0; wave < 4; wave++)
        {
            var events = EventFactory.RandomStream(random, campaigns, 1500, 300, 15, start);
            await db.Log.AppendAsync(events);
            await db.Log.AppendAsync(events.Where(_ => random.NextDouble() < 0.2).ToList()); // client retries: duplicates

            // Act: consume every partition with crashes injected at random points; after each crash a fresh
            // processor (a restarted process) resumes from the committed checkpoint.
            for (var partition = 0; partition < db.PartitionCount; partition++)
            {
                while (true)
                {
                    var processor = db.Log.Processor(batchSize: 97);
                    processor.FaultInjector = (point, _) => random.NextDouble() < 0.15 ? throw new SimulatedCrashException(point) : Task.CompletedTask;
                    try
                    {
                        if ((await processor.ProcessNextBatchAsync(partition, default)).EventCount == 0)
                        {
                            break;
                        }
                    }
                    catch (SimulatedCrashException)
                    {
                        crashes++;
                    }
                }
            }
        }

        // Assert
        Assert.True(crashes > 20, $"the test must actually crash the processor (crashed {crashes} times)");
        var expected = (await RollupOracle.RecomputeAsync(db.DataSource)).Where(r => campaigns.Contains(r.Campaign)).ToList();
        var stored = (await RollupOracle.StoredAsync(db.DataSource)).Where(r => campaigns.Contains(r.Campaign)).ToList();
        Assert.Equal(4 * 1500, expected.Sum(r => r.PageViews + r.RewardViews + r.CartsCreated + r.CheckoutsStarted + r.CheckoutsFailed + r.PledgesCompleted + r.PledgesRefunded));
        Assert.Equal(expected, stored);
        var (expectedTotals, storedTotals) = await RollupOracle.TotalsAsync(db.DataSource);
        Assert.Equal(expectedTotals, storedTotals);
        // Every event sits in its customer's partition (a partition's reader saw only its own), and is behind that
        // partition's checkpoint: processed, none skipped.
        await using (var cmd = db.DataSource.CreateCommand("SELECT DISTINCT partition, customer_id FROM event_log"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                Assert.Equal(Partitioner.PartitionFor(reader.GetString(1), db.PartitionCount), reader.GetInt32(0));
            }
        }
        Assert.Equal(0, await db.ScalarAsync<long>(
            "SELECT count(*) FROM event_log e JOIN partition_checkpoints c USING (partition) WHERE e.\"offset\" > c.\"offset\""));
    }

    [Fact]
    public async Task ProcessNextBatch_TwoConsumersRaceOnEveryPartition_RollupsStayExact()
    {
        // Two consumers (say, two app instances by mistake) work the same partitions at the same time, with
        // transactions genuinely in flight together; the checkpoint guard must let exactly one win each batch.
        var campaign = await NewCampaignAsync();
                var random = new Random(99);
        await db.Log.AppendAsync(EventFactory.RandomStream(random, [campaign], 3000, 400, 10, DateTimeOffset.UtcNow.AddMinutes(-20)));
        var conflicts = 0;

        async Task Consume(int partition)
        {
            var processor = db.Log.Processor(53, db.Log.NewReader());
            processor.FaultInjector = async (_, _) => await Task.Delay(Random.Shared.Next(0, 3));
            var idle = 0;
            while (idle < 3)
            {
                try
                {
                    idle = (await processor.ProcessNextBatchAsync(partition, default)).EventCount == 0 ? idle + 1 : 0;
                }
                catch (CheckpointConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, db.PartitionCount).SelectMany(p => new[] { Task.Run(() => Consume(p)), Task.Run(() => Consume(p)) }));

        Assert.True(conflicts > 0, "the consumers must actually have collided");
        var expected = (await RollupOracle.RecomputeAsync(db.DataSource)).Where(r => r.Campaign == campaign);
        var stored = (await RollupOracle.StoredAsync(db.DataSource)).Where(r => r.Campaign == campaign);
        Assert.Equal(expected, stored);
    }

    [Fact]
    public async Task ProcessNextBatch_CheckpointMovedByAnotherConsumer_RollsBackWithoutDoubleCounting()
    {
        var campaign = await NewCampaignAsync();
                await db.Log.AppendAsync(EventFactory.RandomStream(new Random(1), [campaign], 200, 40, 3, DateTimeOffset.UtcNow.AddMinutes(-5)));
        var rival = db.Log.Processor(1000, db.Log.NewReader());
        var processor = db.Log.Processor(1000);
        // The rival consumer processes the same batch while we are between read and commit.
        processor.FaultInjector = async (point, partition) =>
        {
            if (point == "after-read")
            {
                await rival.ProcessNextBatchAsync(partition, default);
            }
        };

        for (var p = 0; p < db.PartitionCount; p++)
        {
            await Assert.ThrowsAsync<CheckpointConflictException>(() => processor.ProcessNextBatchAsync(p, default));
        }

        var expected = (await RollupOracle.RecomputeAsync(db.DataSource)).Where(r => r.Campaign == campaign);
        var stored = (await RollupOracle.StoredAsync(db.DataSource)).Where(r => r.Campaign == campaign);
        Assert.Equal(expected, stored);
    }
}
