using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Log.JetStream;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Log;

/// <summary>The JetStream engine's own promises: acknowledged appends, idempotency in and beyond the window, failure as 503.</summary>
[Layer(TestLayer.Database)]
public sealed class JetStreamLogTests(JetStreamTestDatabase db) : IClassFixture<JetStreamTestDatabase>
{
    private async Task<Guid> NewCampaignAsync() =>
        (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "js-" + Guid.NewGuid().ToString("N")[..8], "JetStream", "EUR", 100m, DateTimeOffset.UtcNow)).Id;

    private async Task ProcessEverythingAsync()
    {
        for (var p = 0; p < db.PartitionCount; p++)
        {
            while ((await db.Log.Processor(500).ProcessNextBatchAsync(p, default)).EventCount > 0)
            {
            }
        }
    }

    [Fact]
    public async Task AppendAsync_SameRequestTwice_SecondIsDuplicateAndEventsStoredOnce()
    {
        // Arrange
        var campaign = await NewCampaignAsync();
        var events = EventFactory.RandomStream(new Random(3), [campaign], 400, 120, 5, DateTimeOffset.UtcNow.AddMinutes(-10));

        // Act: a client retry of the whole request, within JetStream's duplicate window
        var first = await db.Log.AppendAsync(events);
        var second = await db.Log.AppendAsync(events);
        await ProcessEverythingAsync();

        // Assert
        Assert.All(first.Inserted, Assert.True);
        Assert.All(second.Inserted, Assert.False);
        Assert.Equal(first.Offsets, second.Offsets);
        Assert.Equal(400, await db.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}'"));
        Assert.Equal(400, await db.ScalarAsync<long>($"SELECT sum(events)::bigint FROM campaign_partition_totals WHERE campaign_id = '{campaign}'"));
    }

    [Fact]
    public async Task AppendAsync_EventsResentInOtherRequests_CountedOnceBeyondTheBrokersWindow()
    {
        // Arrange: the same events sent again grouped differently (as a client resending a day later would, or a
        // partial retry) are new messages to JetStream; only event_log's (eventId, campaign) index can tell
        var campaign = await NewCampaignAsync();
        var events = EventFactory.RandomStream(new Random(5), [campaign], 300, 90, 5, DateTimeOffset.UtcNow.AddMinutes(-10));
        await db.Log.AppendAsync(events);
        await ProcessEverythingAsync();

        // Act
        var resent = await db.Log.AppendAsync([.. events.Where((_, i) => i % 3 == 0), EventFactory.Event(campaign, "c-new", EventTypes.PageView, DateTimeOffset.UtcNow)]);
        await ProcessEverythingAsync();

        // Assert
        Assert.Contains(resent.Inserted, x => x);
        Assert.Equal(301, await db.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}'"));
        Assert.Equal(301, await db.ScalarAsync<long>($"SELECT sum(events)::bigint FROM campaign_partition_totals WHERE campaign_id = '{campaign}'"));
        Assert.Equal(0, await db.ScalarAsync<long>(
            "SELECT count(*) FROM event_log e JOIN partition_checkpoints c USING (partition) WHERE e.\"offset\" > c.\"offset\""));
    }

    [Fact]
    public async Task AppendAsync_PartitionOrder_PositionsGrowWithinEachPartition()
    {
        // Arrange
        var campaign = await NewCampaignAsync();
        var events = Enumerable.Range(0, 50).Select(i => EventFactory.Event(campaign, $"c-{i % 7}", EventTypes.PageView, DateTimeOffset.UtcNow)).ToList();

        // Act
        var first = await db.Log.AppendAsync(events[..25]);
        var second = await db.Log.AppendAsync(events[25..]);

        // Assert: within a partition, later requests and later events of a request sit at later positions
        var positions = first.Offsets.Concat(second.Offsets)
            .Select((offset, i) => (Partition: Partitioner.PartitionFor(events[i].CustomerId, db.PartitionCount), Offset: offset));
        foreach (var partition in positions.GroupBy(p => p.Partition))
        {
            var offsets = partition.Select(p => p.Offset).ToList();
            Assert.Equal(offsets.Order(), offsets);
            Assert.Equal(offsets.Count, offsets.Distinct().Count());
        }
    }

    [Fact]
    public async Task AppendAsync_NoServerAnswers_ThrowsLogUnavailableWithinTheTimeout()
    {
        // Arrange: nothing listens on this port
        await using var log = new JetStreamLog(Options.Create(new LogOptions
        {
            PartitionCount = 4,
            Engine = LogEngine.JetStream,
            JetStream = new JetStreamLogOptions { Url = "nats://127.0.0.1:1", Stream = "NOWHERE", Subject = "nowhere", PublishTimeoutSeconds = 1 },
        }), NullLoggerFactory.Instance);
        var appender = new JetStreamEventLog(log, Options.Create(new AppendOptions()), TimeProvider.System, NullLogger<JetStreamEventLog>.Instance);

        // Act
        var error = await Assert.ThrowsAsync<LogUnavailableException>(
            () => appender.AppendAsync([EventFactory.Event(Guid.NewGuid(), "c-1", EventTypes.PageView, DateTimeOffset.UtcNow)]));

        // Assert: ingest turns this into 503 + Retry-After, and the client resends
        Assert.Contains("unavailable", error.Message);
        Assert.True(appender.HasRoomFor(1), "a failed append gives its room back");
    }

    [Fact]
    public async Task BacklogAsync_UnprocessedMessages_CountedWithTheirAgeUntilProcessed()
    {
        // Arrange: two requests over one customer's partition, not processed yet
        var campaign = await NewCampaignAsync();
        await ProcessEverythingAsync();
        var partition = Partitioner.PartitionFor("c-backlog", db.PartitionCount);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await db.Log.AppendAsync([EventFactory.Event(campaign, "c-backlog", EventTypes.PageView, DateTimeOffset.UtcNow)]);
        await db.Log.AppendAsync([EventFactory.Event(campaign, "c-backlog", EventTypes.RewardView, DateTimeOffset.UtcNow)]);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var checkpoint = new LogPosition(await db.ScalarAsync<long>($"SELECT \"offset\" FROM partition_checkpoints WHERE partition = {partition}"));

        // Act
        var waiting = await db.Log.Reader.BacklogAsync(connection, partition, checkpoint, default);
        await ProcessEverythingAsync();
        var done = new LogPosition(await db.ScalarAsync<long>($"SELECT \"offset\" FROM partition_checkpoints WHERE partition = {partition}"));
        var after = await db.Log.Reader.BacklogAsync(connection, partition, done, default);

        // Assert
        Assert.Equal(2, waiting.Pending);
        Assert.InRange(waiting.OldestReceivedAt!.Value, before, DateTimeOffset.UtcNow);
        Assert.Equal(new LogBacklog(0, null), after);
    }
}
