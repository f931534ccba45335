using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Forecast;

/// <summary>Trajectories read from the metric tables, against a recomputation from the raw events in the test.</summary>
[Layer(TestLayer.Database)]
public sealed class TrajectoryStoreTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly TimeSpan Lateness = TimeSpan.FromDays(30);

    private sealed record Launch(Guid Id, DateTimeOffset At, DateTimeOffset End, List<EventRecord> Events);

    /// <summary>
    /// A campaign launched 30 h ago (on the hour) that takes events up to 30 days late, and a day of launch traffic:
    /// visits from three sources, pledges and refunds, customers coming back in new sessions, and events before launch.
    /// </summary>
    private async Task<Launch> LaunchAsync(int seed)
    {
        var now = DateTimeOffset.UtcNow;
        var launch = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-30);
        var campaign = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "tr-" + Guid.NewGuid().ToString("N")[..8], "Trajectory lamp", "EUR", 5_000m,
            launch, endAt: launch.AddDays(20), allowedLatenessSeconds: (int)Lateness.TotalSeconds);
        var random = new Random(seed);
        var events = new List<EventRecord>();
        for (var c = 0; c < 400; c++)
        {
            var customer = $"t{seed}-{c}";
            var first = launch.AddMinutes(random.Next(-60, 26 * 60)).AddSeconds(random.Next(60));
            var source = random.Next(3) switch { 0 => "social:reddit", 1 => "direct", _ => "search" };
            events.Add(Event(campaign.Id, customer, "s1", EventTypes.PageView, first, source));
            if (random.NextDouble() < 0.3)
            {
                // Back later, in a new session (within 24 h for most).
                events.Add(Event(campaign.Id, customer, "s2", EventTypes.PageView, first.AddMinutes(random.Next(20, 30 * 60)), "direct"));
            }
            if (random.NextDouble() < 0.25)
            {
                var at = first.AddMinutes(random.Next(1, 90));
                var amount = Math.Round((decimal)random.Next(500, 20_000) / 100m, 2);
                events.Add(Event(campaign.Id, customer, "s1", EventTypes.PledgeCompleted, at, "direct", amount));
                if (random.NextDouble() < 0.1)
                {
                    events.Add(Event(campaign.Id, customer, "s1", EventTypes.PledgeRefunded, at.AddHours(random.Next(1, 5)), "direct", amount));
                }
            }
        }
        return new Launch(campaign.Id, launch, launch.AddDays(20), events.Where(e => e.OccurredAt < now).ToList());
    }

    private static EventRecord Event(Guid campaign, string customer, string session, string type, DateTimeOffset at, string source, decimal? amount = null) =>
        new(Guid.NewGuid(), type, campaign, customer, session, at, source, amount, amount is null ? null : "EUR", null);

    /// <summary>Running totals at the end of hour <paramref name="h"/> (capped at <paramref name="until"/>), straight from the events.</summary>
    private static HourTotals Expected(Launch l, int h, DateTimeOffset until)
    {
        var cutoff = l.At.AddHours(h + 1) < until ? l.At.AddHours(h + 1) : until;
        var known = l.Events.Where(e => e.OccurredAt < cutoff).ToList();
        var visits = known.Where(e => e.Type == EventTypes.PageView).ToList();
        // Cohorts are kept per clock hour of the first visit; a return counts in the hour a whole number of hours after it.
        var firsts = l.Events.Where(e => e.Type == EventTypes.PageView).GroupBy(e => e.CustomerId).Select(g => g.MinBy(e => e.OccurredAt)!).ToList();
        static DateTimeOffset Hour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);
        var returning = firsts.Select(f => (First: f, Back: l.Events.Where(e => e.CustomerId == f.CustomerId && e.Type == EventTypes.PageView
                && e.SessionId != f.SessionId && e.OccurredAt > f.OccurredAt && e.OccurredAt < f.OccurredAt.AddHours(24)).MinBy(e => e.OccurredAt)))
            .Where(x => x.Back is not null)
            .Count(x => Hour(x.First.OccurredAt).AddHours(Math.Floor((x.Back!.OccurredAt - x.First.OccurredAt).TotalHours)) < cutoff);
        return new HourTotals(
            (double)(known.Where(e => e.Type == EventTypes.PledgeCompleted).Sum(e => e.Amount!.Value) - known.Where(e => e.Type == EventTypes.PledgeRefunded).Sum(e => e.Amount!.Value)),
            known.Count(e => e.Type == EventTypes.PledgeCompleted),
            visits.Count,
            firsts.Count(f => Hour(f.OccurredAt) < cutoff && f.Source.StartsWith("social:", StringComparison.Ordinal)),
            firsts.Count(f => Hour(f.OccurredAt) < cutoff),
            returning);
    }

    [Fact]
    public async Task ReadAsync_LaunchTraffic_EveryHourEqualsRecomputationFromRawEvents()
    {
        // Arrange
        var launch = await LaunchAsync(1);
        await db.Log.AppendAsync(launch.Events);
        await db.Log.ProcessAllAsync();
        var store = new TrajectoryStore(db.DataSource);
        var until = launch.At.AddHours(20);

        // Act
        var trajectory = (await store.ReadAsync([new TrajectoryRequest(launch.Id, 5_000m, launch.At, launch.End, until)]))[0];

        // Assert
        Assert.Equal(20, trajectory.Hours.Count);
        Assert.Equal(20, trajectory.ObservedHours);
        for (var h = 0; h < 20; h++)
        {
            var expected = Expected(launch, h, until);
            var actual = trajectory.Hours[h];
            Assert.True(Math.Abs(expected.NetPledged - actual.NetPledged) < 0.005, $"hour {h}: net {actual.NetPledged}, expected {expected.NetPledged}");
            Assert.Equal(expected with { NetPledged = 0 }, actual with { NetPledged = 0 });
        }
        Assert.Equal(trajectory.Hours[19].NetPledged / 5_000, trajectory.Progress, 9);
    }

    [Fact]
    public async Task ExtendAsync_MoreEventsIncludingLateOnesInTheLastHourRead_SameAsReadingItAllAgain()
    {
        // Arrange: a trajectory read to T+12 h 30; then events up to T+26 h arrive, and with them half of those of
        // T+12 h–12 h 30, late (within the campaign's lateness), in the hour that was being read
        var launch = await LaunchAsync(2);
        var cut = launch.At.AddHours(12.5);
        var early = launch.Events.Where((e, i) => e.OccurredAt < cut && (e.OccurredAt < launch.At.AddHours(12) || i % 2 == 0)).ToList();
        await db.Log.AppendAsync(early);
        await db.Log.ProcessAllAsync();
        var store = new TrajectoryStore(db.DataSource);
        var known = (await store.ReadAsync([new TrajectoryRequest(launch.Id, 5_000m, launch.At, launch.End, cut)]))[0];
        await db.Log.AppendAsync(launch.Events.Except(early).ToList());
        await db.Log.ProcessAllAsync();
        var until = launch.At.AddHours(26);

        // Act
        var extended = (await store.ExtendAsync([known], until))[0];
        var reread = (await store.ReadAsync([new TrajectoryRequest(launch.Id, 5_000m, launch.At, launch.End, until)]))[0];

        // Assert
        Assert.Equal(26, extended.ObservedHours);
        Assert.Equal(reread.Hours.Select(h => h with { NetPledged = 0 }), extended.Hours.Select(h => h with { NetPledged = 0 }));
        Assert.All(reread.Hours.Zip(extended.Hours), p => Assert.Equal(p.First.NetPledged, p.Second.NetPledged, 6));
        Assert.Equal(Expected(launch, 25, until).Pledges, extended.Hours[25].Pledges);
    }
}
