using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Forecast;

/// <summary>The forecast service over real PostgreSQL: finished campaigns from events, forecasts of running ones kept and read back.</summary>
[Layer(TestLayer.Database)]
public sealed class ForecastServiceTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private async Task<Guid> CampaignAsync(DateTimeOffset launch, DateTimeOffset? end, decimal goal = 1_000m) =>
        (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "fc-" + Guid.NewGuid().ToString("N")[..8], "Forecast lamp", "EUR", goal, launch,
            endAt: end, allowedLatenessSeconds: 40 * 86_400)).Id;

    /// <summary>Pledges of €10 spread over the campaign so that it ends at <paramref name="final"/> × its goal of €1,000, a third of it in the first tenth.</summary>
    private static IEnumerable<EventRecord> Pledges(Guid campaign, DateTimeOffset launch, TimeSpan duration, double final, DateTimeOffset until)
    {
        var count = (int)Math.Round(final * 100);
        for (var i = 0; i < count; i++)
        {
            var x = i < count / 3 ? 0.1 * i / (count / 3.0) : 0.1 + 0.9 * (i - count / 3) / (double)(count - count / 3);
            var at = launch + duration * x + TimeSpan.FromSeconds(30);
            if (at < until)
            {
                yield return EventFactory.Event(campaign, $"p{campaign:N}-{i}", EventTypes.PledgeCompleted, at, amount: 10m);
            }
        }
    }

    private (ForecastService Service, ForecastQuery Query, ForecastStore Store) Arrange(FakeTimeProvider time)
    {
        var trajectories = new TrajectoryStore(db.DataSource);
        var store = new ForecastStore(db.DataSource, db.Contexts);
        var changes = new CampaignChangeFeed(Options.Create(new ProcessingOptions { NotifyThrottleMilliseconds = 0 }), time, NullLogger<CampaignChangeFeed>.Instance);
        var service = new ForecastService(db.Contexts, trajectories, new ForecastCorpusSource(db.Contexts, trajectories, time), new Forecaster(ForecastSettings.Default),
            store, changes, time, NullLogger<ForecastService>.Instance);
        return (service, new ForecastQuery(db.Contexts, store, time), store);
    }

    [Fact]
    public async Task RunOnceAsync_FinishedCampaignsGrewThreefold_RunningOneForecastFromThemAndKept()
    {
        // Arrange: 35 campaigns of 10 days finished last month, each raising a third of its final in the first day;
        // one running campaign, 1 day in, on the same path to 1.5 × its goal
        var now = DateTimeOffset.UtcNow;
        var duration = TimeSpan.FromDays(10);
        var events = new List<EventRecord>();
        for (var i = 0; i < 35; i++)
        {
            var launch = now.AddDays(-40 + i * 0.5);
            var id = await CampaignAsync(launch, launch + duration);
            events.AddRange(Pledges(id, launch, duration, 1.2 + 0.01 * i, now));
        }
        var runningLaunch = now.AddDays(-1).AddMinutes(-5);
        var running = await CampaignAsync(runningLaunch, runningLaunch + duration);
        events.AddRange(Pledges(running, runningLaunch, duration, 1.5, now));
        var noEnd = await CampaignAsync(now.AddHours(-5), null);
        await db.Log.AppendAsync(events);
        await db.Log.ProcessAllAsync();
        var time = new FakeTimeProvider(now);
        var (service, query, _) = Arrange(time);

        // Act
        var kept = await service.RunOnceAsync(default);
        var again = await service.RunOnceAsync(default);
        var view = await query.GetAsync(running);
        var none = await query.GetAsync(noEnd);

        // Assert: 1.5 × €1,000, from 25 neighbours; the same forecast a moment later is not kept twice
        Assert.True(kept >= 1);
        Assert.Equal(0, again);
        Assert.NotNull(view);
        Assert.Equal(ForecastAvailability.Available, view.Availability);
        var forecast = view.Latest!;
        Assert.Equal(ForecastBasis.Neighbours, forecast.Basis);
        Assert.InRange(forecast.ProjectedTotal, 1_400m, 1_600m);
        Assert.True(forecast.Probability > 0.9, $"chance {forecast.Probability}");
        Assert.Equal(ForecastStatus.OnTrack, forecast.Status);
        Assert.NotEmpty(view.Explanation);
        Assert.Single(view.History);
        Assert.NotNull(none);
        Assert.Equal(ForecastAvailability.NoEndDate, none.Availability);
        Assert.Null(none.Latest);
        Assert.Contains("no end date", none.Explanation[0]);
    }

    [Fact]
    public async Task RunOnceAsync_LaunchedTwentyMinutesAgo_NoForecastUntilItsFirstHour()
    {
        // Arrange: pledges in its first 20 minutes; a projection over ten days from them would be noise
        var now = DateTimeOffset.UtcNow;
        var launch = now.AddMinutes(-20);
        var id = await CampaignAsync(launch, launch.AddDays(10));
        await db.Log.AppendAsync([.. Enumerable.Range(0, 10).Select(i => EventFactory.Event(id, $"early-{i}", EventTypes.PledgeCompleted, launch.AddMinutes(i + 1), amount: 30m))]);
        await db.Log.ProcessAllAsync();
        var time = new FakeTimeProvider(now);
        var (service, query, store) = Arrange(time);

        // Act
        await service.RunOnceAsync(default);
        var early = await query.GetAsync(id);
        time.Advance(TimeSpan.FromMinutes(45));
        await service.RunOnceAsync(default);
        var later = await query.GetAsync(id);

        // Assert
        Assert.Equal(ForecastAvailability.TooEarly, early!.Availability);
        Assert.Contains("an hour after launch", early.Explanation[0]);
        Assert.Equal(ForecastAvailability.Available, later!.Availability);
        Assert.Equal(300m, later.Latest!.Pledged);
        Assert.Single(await store.HistoryAsync(id, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task SaveAsync_ForecastMovedOrTenMinutesPassed_KeptOtherwiseNot()
    {
        // Arrange
        var now = DateTimeOffset.UtcNow;
        var id = await CampaignAsync(now.AddDays(-1), now.AddDays(9));
        var store = new ForecastStore(db.DataSource, db.Contexts);
        var inputs = new ForecastInputs(0.1, 0.3, null, new LiveSignals(0, null, null, null), 0, 0, null, null, 3, null);
        CampaignForecast At(DateTimeOffset t, decimal projected, double p) =>
            new(id, t, ForecastBasis.Prior, 300m, 1_000m, projected, projected / 2, projected * 2, p, null, inputs);

        // Act
        var first = await store.SaveAsync(At(now, 900m, 0.40));
        var tooSoon = await store.SaveAsync(At(now.AddSeconds(5), 1_500m, 0.70));
        var same = await store.SaveAsync(At(now.AddMinutes(1), 903m, 0.404));
        var moved = await store.SaveAsync(At(now.AddMinutes(2), 950m, 0.40));
        var heartbeat = await store.SaveAsync(At(now.AddMinutes(13), 950m, 0.40));

        // Assert
        Assert.Equal([true, false, false, true, true], [first, tooSoon, same, moved, heartbeat]);
        var latest = (await store.LatestAsync([id]))[id];
        Assert.Equal(950m, latest.ProjectedTotal);
        Assert.Equal(3, (await store.HistoryAsync(id, TimeSpan.FromSeconds(1))).Count);
        Assert.Equal(inputs, latest.Inputs);
    }
}
