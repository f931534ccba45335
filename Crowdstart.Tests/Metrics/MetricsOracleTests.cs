using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;
using Crowdstart.Tests.Processing;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Metrics;

/// <summary>
/// Property-style proof: randomized launches (two campaigns, one with its own funnel; hundreds of customers with
/// several sessions; arrival delays that reorder events, late events beyond the allowed lateness, resent
/// duplicates, refunds) are streamed through the log and the processor, which is crashed at random points and
/// restarted, and every metric must equal the SQL recomputation from the raw log.
/// </summary>
[Layer(TestLayer.Database)]
public sealed class MetricsOracleTests(TestDatabase db) : MetricsOracleTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class MetricsOracleTestsOnJetStream(JetStreamTestDatabase db) : MetricsOracleTests<JetStreamTestDatabase>(db);

/// <summary>The oracle proof on each log engine (the engine is the fixture's).</summary>
public abstract class MetricsOracleTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private static readonly TimeSpan Lateness = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan LatenessB = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static readonly FunnelDefinition ShortFunnel = new([
        new(EventTypes.PageView), new(EventTypes.CartCreated, 600), new(EventTypes.PledgeCompleted, 900)]);

    private sealed record Planned(EventRecord Event, DateTimeOffset ArrivesAt);

    private static List<Planned> PlanJourneys(Random random, Guid campaign, int customers)
    {
        var planned = new List<Planned>();
        string[] sources = ["direct", "search", "social:reddit", "social:twitter", "email"];
        for (var c = 0; c < customers; c++)
        {
            var customer = $"k{c}-{campaign.ToString()[..4]}";
            var sessions = 1 + (random.NextDouble() < 0.35 ? random.Next(1, 3) : 0);
            var at = Start.AddSeconds(random.Next(0, 3 * 3600));
            for (var s = 0; s < sessions; s++)
            {
                var session = $"{customer}-s{s}";
                var source = sources[random.Next(sources.Length)];
                void Emit(string type, decimal? amount = null) => planned.Add(new Planned(
                    new EventRecord(Guid.NewGuid(), type, campaign, customer, session, at, source, amount, amount is null ? null : "EUR", null),
                    Arrival(random, at)));
                Emit(EventTypes.PageView);
                if (random.NextDouble() < 0.3) { at = at.AddSeconds(random.Next(1, 90)); Emit(EventTypes.PageView); }
                if (random.NextDouble() < 0.6) { at = at.AddSeconds(random.Next(5, 2400)); Emit(EventTypes.RewardView); }
                if (random.NextDouble() < 0.5) { at = at.AddSeconds(random.Next(5, 2400)); Emit(EventTypes.CartCreated); }
                if (random.NextDouble() < 0.6) { at = at.AddSeconds(random.Next(5, 2400)); Emit(EventTypes.CheckoutStarted); }
                if (random.NextDouble() < 0.15) { at = at.AddSeconds(random.Next(1, 60)); Emit(EventTypes.CheckoutFailed); }
                if (random.NextDouble() < 0.6) { at = at.AddSeconds(random.Next(1, 2400)); Emit(EventTypes.PledgeCompleted, random.Next(10, 300)); }
                if (random.NextDouble() < 0.05) { at = at.AddSeconds(random.Next(1, 600)); Emit(EventTypes.PledgeRefunded, random.Next(10, 300)); }
                // The next session: usually within hours, sometimes more than a day later (outside the 24 h return window).
                at = at.AddSeconds(random.NextDouble() switch
                {
                    < 0.55 => random.Next(600, 4 * 3600),
                    < 0.85 => random.Next(4 * 3600, 86_400),
                    _ => random.Next(86_400, 100_000),
                });
            }
        }
        return planned;
    }

    /// <summary>Most events arrive within seconds; some minutes late (reordered, inside the lateness); some beyond it.</summary>
    private static DateTimeOffset Arrival(Random random, DateTimeOffset at) => random.NextDouble() switch
    {
        < 0.80 => at.AddSeconds(random.Next(0, 20)),
        < 0.93 => at.AddSeconds(random.Next(60, 540)),
        _ => at.AddSeconds(random.Next(660, 3600)),
    };

    [Fact]
    public async Task Pipeline_RandomizedLaunchWithCrashes_EveryMetricEqualsSqlRecomputation()
    {
        // Arrange
        var random = new Random(7_2026);
        // Day partitions for the simulated days, so rows are routed as in production.
        await Crowdstart.Pipeline.Storage.TimeSeriesPartitions.EnsureAsync(db.DataSource, Start, daysBack: 1, daysAhead: 3);
        var a = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "oracle-a", "Oracle A", "EUR", 10_000m, Start);
        var b = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "oracle-b", "Oracle B", "EUR", 10_000m, Start, funnel: ShortFunnel, cartWindowSeconds: 1800,
            allowedLatenessSeconds: (int)LatenessB.TotalSeconds);
        var plan = PlanJourneys(random, a.Id, 250).Concat(PlanJourneys(random, b.Id, 250)).OrderBy(p => p.ArrivesAt).ToList();
        var time = new FakeTimeProvider(Start);
        var sent = new List<EventRecord>();
        var crashes = 0;

        async Task ProcessAllAsync(double crashProbability)
        {
            for (var partition = 0; partition < db.PartitionCount; partition++)
            {
                while (true)
                {
                    var processor = db.Log.Processor(batchSize: 61);
                    processor.FaultInjector = (point, _) => random.NextDouble() < crashProbability ? throw new SimulatedCrashException(point) : Task.CompletedTask;
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

        // Act: time moves in 10-minute steps; whatever has arrived is appended (with some client retries that
        // resend earlier events), and the pipeline runs with crashes every few steps.
        var next = 0;
        var end = plan[^1].ArrivesAt;
        for (var now = Start; now <= end.AddMinutes(10); now = now.AddMinutes(10))
        {
            time.SetUtcNow(now);
            var arrived = new List<EventRecord>();
            while (next < plan.Count && plan[next].ArrivesAt <= now)
            {
                arrived.Add(plan[next++].Event);
            }
            arrived.AddRange(sent.Where(_ => random.NextDouble() < 0.01));
            if (arrived.Count > 0)
            {
                await db.Log.AppendAsync(arrived, time);
                sent.AddRange(arrived);
            }
            if (random.NextDouble() < 0.3)
            {
                await ProcessAllAsync(0.08);
            }
        }
        await ProcessAllAsync(0.08);
        await ProcessAllAsync(0);

        // Assert
        Assert.True(crashes > 10, $"the processor must actually crash (crashed {crashes} times)");
        var late = long.Parse((await MetricsOracle.LateEventsAsync(db.DataSource, a.Id, Lateness)).Expected[0]);
        Assert.True(late > 0, "the stream must contain late events");
        foreach (var (campaign, funnel, cartWindow, lateness) in new[]
                 {
                     (a.Id, FunnelDefinition.Default, TimeSpan.FromHours(1), Lateness),
                     (b.Id, ShortFunnel, TimeSpan.FromMinutes(30), LatenessB),
                 })
        {
            var windows = new Dictionary<int, List<string>>();
            foreach (var w in MetricWindows.WindowSeconds)
            {
                var result = await MetricsOracle.WindowsAsync(db.DataSource, campaign, w, lateness);
                AssertSame(result, $"window {w}s");
                windows[w] = result.Expected;
            }
            AssertSame(await MetricsOracle.FunnelAsync(db.DataSource, campaign, funnel), "funnel");
            AssertSame(await MetricsOracle.CohortsAsync(db.DataSource, campaign), "cohorts");
            AssertSame(await MetricsOracle.CohortReturnsAsync(db.DataSource, campaign), "cohort returns");
            AssertSame(await MetricsOracle.CartsAsync(db.DataSource, campaign, cartWindow), "carts");
            AssertSame(await MetricsOracle.CartCompletionAsync(db.DataSource, campaign, cartWindow), "cart completion");
            AssertSame(await MetricsOracle.EventCountsAsync(db.DataSource, campaign, lateness), "10 s event counts");
            AssertSame(await MetricsOracle.LateEventsAsync(db.DataSource, campaign, lateness), "late events");

            // The read API turns the same rows into the snapshot the dashboard shows, at a busy moment of the launch.
            var at = Start.AddHours(2).AddSeconds(7);
            var snapshot = (await new MetricsQuery(db.DataSource).GetSnapshotAsync(campaign, at))!;
            var live = MetricWindows.LivePoint(at).UtcDateTime.ToString("O");
            foreach (var conversion in snapshot.Conversion)
            {
                var row = windows[conversion.WindowSeconds].SingleOrDefault(r => r.StartsWith(live)) ?? $"{live} | 0 | 0";
                Assert.Equal(row, $"{live} | {conversion.Visitors} | {conversion.Pledgers}");
            }
            Assert.Contains(snapshot.Conversion, c => c.Visitors > 0);
            Assert.NotEmpty(snapshot.Checkout);
            foreach (var health in snapshot.Checkout)
            {
                var from = MetricWindows.LivePoint(at).AddSeconds(-health.WindowSeconds);
                Assert.Equal(await MetricsOracle.CountAsync(db.DataSource, campaign, "checkout_started", from, MetricWindows.LivePoint(at), lateness), health.Attempts);
                Assert.Equal(await MetricsOracle.CountAsync(db.DataSource, campaign, "checkout_failed", from, MetricWindows.LivePoint(at), lateness), health.Failures);
            }
            snapshot = (await new MetricsQuery(db.DataSource).GetSnapshotAsync(campaign, end))!;
            var percentiles = (await MetricsOracle.CartPercentilesAsync(db.DataSource, campaign, cartWindow)).Single();
            Assert.Equal(percentiles, $"{snapshot.Carts.P50Seconds} | {snapshot.Carts.P90Seconds} | {snapshot.Carts.P99Seconds}");
            var cartRows = (await MetricsOracle.CartsAsync(db.DataSource, campaign, cartWindow)).Expected.Select(r => r.Split(" | ")).ToList();
            Assert.Equal(cartRows.Sum(r => long.Parse(r[1])), snapshot.Carts.Carts);
            Assert.Equal(cartRows.Sum(r => long.Parse(r[2])), snapshot.Carts.Completed);
            var cohortRows = (await MetricsOracle.CohortsAsync(db.DataSource, campaign)).Expected.Select(r => r.Split(" | ")).ToList();
            Assert.Equal((double)cohortRows.Sum(r => long.Parse(r[3])) / cohortRows.Sum(r => long.Parse(r[2])), snapshot.ReturnRate24h!.Value, 12);
            var (funnelRows, _) = await MetricsOracle.FunnelAsync(db.DataSource, campaign, funnel);
            var perStep = funnelRows.Select(r => r.Split(" | ")).GroupBy(r => int.Parse(r[1])).ToDictionary(g => g.Key, g => g.Sum(r => long.Parse(r[2])));
            Assert.Equal(funnel.Steps.Count, snapshot.Funnel.Count);
            Assert.Equal(snapshot.Funnel.Select(s => perStep.GetValueOrDefault(s.Step)), snapshot.Funnel.Select(s => s.Customers));
        }
        var stored = (await RollupOracle.StoredAsync(db.DataSource)).Where(r => r.Campaign == a.Id || r.Campaign == b.Id);
        var expected = (await RollupOracle.RecomputeAsync(db.DataSource)).Where(r => r.Campaign == a.Id || r.Campaign == b.Id);
        Assert.Equal(expected, stored);
    }

    private static void AssertSame((List<string> Expected, List<string> Stored) result, string metric)
    {
        Assert.True(result.Expected.Count > 0, $"{metric}: the oracle found nothing to compare");
        var missing = result.Expected.Except(result.Stored).Take(5).ToList();
        var extra = result.Stored.Except(result.Expected).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && result.Expected.Count == result.Stored.Count,
            $"{metric} differs from the recomputation:\n expected but not stored: {string.Join("; ", missing)}\n stored but not expected: {string.Join("; ", extra)}");
    }
}
