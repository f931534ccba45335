using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Log;

[Layer(TestLayer.Database)]
public class EventLogWriterTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private EventLogWriter NewWriter() => new(db.DataSource, db.PartitionCount, TimeProvider.System);

    private async Task<long> CountAsync(Guid eventId) =>
        await db.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE event_id = '{eventId}'");

    [Fact]
    public async Task AppendAsync_SameEventTwiceInOneBatch_StoresItOnce()
    {
        var e = EventFactory.Event(Guid.NewGuid(), "c-1", EventTypes.PageView, T0);

        var result = await NewWriter().AppendAsync([e, e with { }]);

        Assert.Equal([true, false], result.Inserted);
        Assert.Equal(1, await CountAsync(e.EventId));
    }

    [Fact]
    public async Task AppendAsync_DuplicateAcrossWritersAndBatches_StoresItOnce()
    {
        var e = EventFactory.Event(Guid.NewGuid(), "c-2", EventTypes.PledgeCompleted, T0, 10m);

        var first = await NewWriter().AppendAsync([e]);
        // A new writer instance stands for a restarted process: the dedupe lives in the database.
        var second = await NewWriter().AppendAsync([e, EventFactory.Event(e.CampaignId, "c-3", EventTypes.PageView, T0)]);

        Assert.Equal([true], first.Inserted);
        Assert.Equal([false, true], second.Inserted);
        Assert.Equal(1, await CountAsync(e.EventId));
    }

    [Fact]
    public async Task AppendAsync_SameEventIdInTwoCampaigns_StoresBoth()
    {
        // Idempotency is per campaign: one tenant reusing an eventId must not make another tenant's event vanish.
        var id = Guid.NewGuid();
        var a = EventFactory.Event(Guid.NewGuid(), "c-a", EventTypes.PageView, T0, eventId: id);
        var b = EventFactory.Event(Guid.NewGuid(), "c-b", EventTypes.PageView, T0, eventId: id);

        var first = await NewWriter().AppendAsync([a]);
        var second = await NewWriter().AppendAsync([b, a]);

        Assert.Equal([true], first.Inserted);
        Assert.Equal([true, false], second.Inserted);
        Assert.Equal(2, await CountAsync(id));
    }

    [Fact]
    public async Task Appender_OneRequestRefusedByDatabase_OtherRequestsInTheGroupStillLand()
    {
        // Arrange: both requests wait in the queue so the appender writes them as one group; one carries data
        // the database refuses (jsonb has no \u0000), which validation would normally have caught.
        var appender = new EventAppender(NewWriter(), new LogSignal(db.PartitionCount),
            Microsoft.Extensions.Options.Options.Create(new AppendOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<EventAppender>.Instance);
        var good = EventFactory.Event(Guid.NewGuid(), "c-good", EventTypes.PageView, T0);
        var bad = EventFactory.Event(Guid.NewGuid(), "c-bad", EventTypes.PageView, T0) with { PropertiesJson = """{"note": "\u0000"}""" };
        var goodTask = appender.AppendAsync([good]);
        var badTask = appender.AppendAsync([bad]);

        // Act
        await appender.StartAsync(default);
        var goodResult = await goodTask;
        var badError = await Record.ExceptionAsync(() => badTask);
        await appender.StopAsync(default);

        // Assert
        Assert.Equal([true], goodResult.Inserted);
        Assert.IsType<LogRejectedException>(badError);
        Assert.Equal(1, await CountAsync(good.EventId));
        Assert.Equal(0, await CountAsync(bad.EventId));
    }

    [Fact]
    public async Task AppendAsync_Events_GetConsecutiveOffsetsPerPartitionInArrivalOrder()
    {
        var campaign = Guid.NewGuid();
        var customer = "same-customer";
        var partition = Partitioner.PartitionFor(customer, db.PartitionCount);
        var events = Enumerable.Range(0, 5).Select(i => EventFactory.Event(campaign, customer, EventTypes.PageView, T0.AddSeconds(-i))).ToList();

        var result = await NewWriter().AppendAsync(events);

        Assert.All(result.Offsets.Zip(result.Offsets.Skip(1)), pair => Assert.Equal(pair.First + 1, pair.Second));
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var read = await EventLogReader.ReadAsync(connection, partition, result.Offsets[0] - 1, 5, default);
        Assert.Equal(events.Select(e => e.EventId), read.Select(r => r.Event.EventId));
        Assert.Equal(events[3], read[3].Event);
    }

    [Fact]
    public async Task AppendAsync_PropertiesAndAmounts_RoundTripExactly()
    {
        var e = EventFactory.Event(Guid.NewGuid(), "c-rt", EventTypes.PledgeCompleted, T0, 1234.56m)
            with { PropertiesJson = """{"reward": "early_bird", "add_on": true}""" };

        var result = await NewWriter().AppendAsync([e]);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var read = await EventLogReader.ReadAsync(connection, Partitioner.PartitionFor("c-rt", db.PartitionCount), result.Offsets[0] - 1, 1, default);

        var back = Assert.Single(read).Event;
        Assert.Equal(1234.56m, back.Amount);
        Assert.Equal("EUR", back.Currency);
        Assert.Equal(T0, back.OccurredAt);
        Assert.Contains("\"early_bird\"", back.PropertiesJson);
    }
}
