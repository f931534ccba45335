using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Metrics;

/// <summary>
/// Sliding-window conversion is read as a share, so it must never exceed 100 % (docs/metrics.md §1): whatever
/// bursts, backlogs, late or out-of-order events and duplicates the log receives, no stored window point has more
/// pledgers than visitors, and the pipeline still equals the SQL recomputation.
/// </summary>
[Layer(TestLayer.Database)]
public sealed class ConversionBoundTests(TestDatabase db) : ConversionBoundTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class ConversionBoundTestsOnJetStream(JetStreamTestDatabase db) : ConversionBoundTests<JetStreamTestDatabase>(db);

/// <summary>The tests of <see cref="ConversionBoundTests"/> on each log engine (the engine is the fixture's).</summary>
public abstract class ConversionBoundTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lateness = TimeSpan.FromSeconds(600); // the campaigns' default

    [Fact]
    public async Task GetSnapshotAsync_BacklogOfPledgesWhoseVisitsFellOutsideTheWindowOrWereLate_ConversionStaysAtMostOneHundredPercent()
    {
        // Arrange: the probe's campaign. A backlog arrives at once: 20 customers visited 8 min before the live point
        // (in time, but outside the 1 and 5 min windows) and pledged 30 s before it; 10 pledged 40 s before it after
        // a visit 2 min before it that only arrives 11 min late; 5 visited 3 min before it without pledging.
        var t = Start.AddHours(6);
        await TimeSeriesPartitions.EnsureAsync(db.DataSource, t, daysBack: 1, daysAhead: 1);
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "backlog-" + Guid.NewGuid().ToString("N")[..6], "Backlog", "EUR",
            1000m, t.AddHours(-2))).Id;
        var time = new FakeTimeProvider(t.AddSeconds(-1));
        var backlog = new List<EventRecord>();
        var lateVisits = new List<EventRecord>();
        for (var i = 0; i < 20; i++)
        {
            backlog.Add(EventFactory.Event(campaign, $"early-{i}", EventTypes.PageView, t.AddMinutes(-8)));
            backlog.Add(EventFactory.Event(campaign, $"early-{i}", EventTypes.PledgeCompleted, t.AddSeconds(-30), 50m));
        }
        for (var i = 0; i < 10; i++)
        {
            lateVisits.Add(EventFactory.Event(campaign, $"late-{i}", EventTypes.PageView, t.AddMinutes(-2)));
            backlog.Add(EventFactory.Event(campaign, $"late-{i}", EventTypes.PledgeCompleted, t.AddSeconds(-40), 50m));
        }
        for (var i = 0; i < 5; i++)
        {
            backlog.Add(EventFactory.Event(campaign, $"browser-{i}", EventTypes.PageView, t.AddMinutes(-3)));
        }
        await db.Log.AppendAsync(backlog, time);
        time.SetUtcNow(t.AddMinutes(9));
        await db.Log.AppendAsync(lateVisits, time);
        await ProcessAllAsync(new Random(1));
        var query = new MetricsQuery(db.DataSource);

        // Act
        var snapshot = (await query.GetSnapshotAsync(campaign, t.AddSeconds(-5)))!;
        var series = await query.GetConversionSeriesAsync(campaign, 300, t.AddHours(-1), t);

        // Assert: every pledger of a window is one of its visitors
        var byWindow = snapshot.Conversion.ToDictionary(c => c.WindowSeconds, c => (c.Visitors, c.Pledgers));
        Assert.Equal((30L, 30L), byWindow[60]);
        Assert.Equal((35L, 30L), byWindow[300]);
        Assert.Equal((35L, 30L), byWindow[3600]);
        Assert.All(snapshot.Conversion, c => Assert.InRange(c.Rate ?? 0, 0, 1));
        Assert.Contains(series, p => p.Pledgers > 0);
        Assert.All(series, p => Assert.InRange(p.Rate ?? 0, 0, 1));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Pipeline_RandomBurstsBacklogsLateAndDuplicateEvents_NoWindowPointHasMorePledgersThanVisitors(int seed)
    {
        // Arrange
        var random = new Random(seed);
        await TimeSeriesPartitions.EnsureAsync(db.DataSource, Start, daysBack: 1, daysAhead: 2);
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, $"bound-{seed}-" + Guid.NewGuid().ToString("N")[..6], "Bound", "EUR",
            10_000m, Start)).Id;
        var plan = Plan(random, campaign, customers: 160);
        var time = new FakeTimeProvider(Start);
        var sent = new List<EventRecord>();

        // Act & Assert: time moves in 5-minute steps; whatever has arrived is appended (with resent duplicates) and
        // processed in random batch sizes, and after every commit round no point may exceed 100 %.
        var next = 0;
        var end = plan[^1].ArrivesAt.AddMinutes(5);
        for (var now = Start; now <= end; now = now.AddMinutes(5))
        {
            time.SetUtcNow(now);
            var arrived = new List<EventRecord>();
            while (next < plan.Count && plan[next].ArrivesAt <= now)
            {
                arrived.Add(plan[next++].Event);
            }
            arrived.AddRange(sent.Where(_ => random.NextDouble() < 0.02));
            if (arrived.Count > 0)
            {
                await db.Log.AppendAsync(arrived, time);
                sent.AddRange(arrived);
            }
            await ProcessAllAsync(random);
            await AssertNoPointAboveOneHundredPercentAsync(campaign, now);
        }

        // Assert: the bounded series is still exactly the definition, recomputed in SQL from the raw log
        var late = long.Parse((await MetricsOracle.LateEventsAsync(db.DataSource, campaign, Lateness)).Expected[0]);
        Assert.True(late > 0, "the stream must contain late events");
        foreach (var w in MetricWindows.WindowSeconds)
        {
            var (expected, stored) = await MetricsOracle.WindowsAsync(db.DataSource, campaign, w, Lateness);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, stored);
            var series = await new MetricsQuery(db.DataSource).GetConversionSeriesAsync(campaign, w, Start, end);
            Assert.All(series, p => Assert.InRange(p.Rate ?? 0, 0, 1));
            Assert.Contains(series, p => p.Pledgers > 0);
        }
    }

    private sealed record Planned(EventRecord Event, DateTimeOffset ArrivesAt);

    /// <summary>
    /// Customers with 0–3 visits in a burst of seconds (none: the visit was lost or they came straight to checkout)
    /// and often a pledge, before or after the visits; a third of them arrive in three traffic bursts. Most events
    /// arrive within seconds, some minutes out of order, some beyond the lateness; and everything that happened
    /// during two 20-minute outages arrives at once when they end (a backlog, partly late).
    /// </summary>
    private static List<Planned> Plan(Random random, Guid campaign, int customers)
    {
        var bursts = Enumerable.Range(0, 3).Select(_ => Start.AddSeconds(random.Next(600, 3 * 3600))).ToArray();
        var outages = Enumerable.Range(0, 2).Select(_ => Start.AddSeconds(random.Next(0, 3 * 3600))).ToArray();
        var planned = new List<Planned>();
        for (var c = 0; c < customers; c++)
        {
            var customer = $"p{c}";
            var at = random.NextDouble() < 0.33
                ? bursts[random.Next(bursts.Length)].AddSeconds(random.Next(0, 60))
                : Start.AddSeconds(random.Next(0, 3 * 3600));
            var visitAt = at;
            var visits = random.NextDouble() < 0.15 ? 0 : random.Next(1, 4);
            for (var v = 0; v < visits; v++)
            {
                Add(EventTypes.PageView, visitAt, null);
                visitAt = visitAt.AddSeconds(random.Next(1, 120));
            }
            var pledges = random.NextDouble() < 0.55 ? random.Next(1, 3) : 0;
            for (var p = 0; p < pledges; p++)
            {
                Add(EventTypes.PledgeCompleted, at.AddSeconds(random.Next(-120, 2400)), random.Next(10, 300));
            }

            void Add(string type, DateTimeOffset occurred, decimal? amount)
            {
                var e = EventFactory.Event(campaign, customer, type, occurred, amount);
                planned.Add(new Planned(e, Arrival(random, occurred, outages)));
            }
        }
        return [.. planned.OrderBy(p => p.ArrivesAt)];
    }

    private static DateTimeOffset Arrival(Random random, DateTimeOffset at, DateTimeOffset[] outages)
    {
        if (outages.FirstOrDefault(o => at >= o && at < o.AddMinutes(20)) is var outage && outage != default)
        {
            return outage.AddMinutes(20).AddSeconds(random.Next(0, 30));
        }
        return random.NextDouble() switch
        {
            < 0.80 => at.AddSeconds(random.Next(0, 20)),
            < 0.92 => at.AddSeconds(random.Next(60, 540)),
            _ => at.AddSeconds(random.Next(660, 3600)),
        };
    }

    private async Task ProcessAllAsync(Random random)
    {
        for (var partition = 0; partition < db.PartitionCount; partition++)
        {
            while ((await db.Log.Processor(random.Next(1, 40)).ProcessNextBatchAsync(partition, default)).EventCount > 0)
            {
            }
        }
    }

    private async Task AssertNoPointAboveOneHundredPercentAsync(Guid campaign, DateTimeOffset now)
    {
        // Per log-partition row and summed over partitions (what the read API returns): both must hold.
        var rows = await db.ScalarAsync<long>(
            $"SELECT count(*) FROM metric_window_points WHERE campaign_id = '{campaign}' AND (pledgers > visitors OR pledgers < 0)");
        var points = await db.ScalarAsync<long>(
            $"""
             SELECT count(*) FROM (SELECT 1 FROM metric_window_points WHERE campaign_id = '{campaign}'
                                   GROUP BY window_seconds, point HAVING sum(pledgers) > sum(visitors)) x
             """);
        Assert.True(rows == 0 && points == 0, $"at {now:O}: {rows} rows and {points} points have more pledgers than visitors");
    }
}
