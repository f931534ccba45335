using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Recommendations;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Recommendations;

/// <summary>
/// Every rule on raw events through the real pipeline and the service's own reads (funnel, cart totals of the
/// platform, the last 24 h of event_log by device and reward, the stored forecast), and dismissals persisted, audited
/// and lifted when the evidence moves.
/// </summary>
[Layer(TestLayer.Database)]
public sealed class RecommendationServiceTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly int Lateness = (int)TimeSpan.FromDays(30).TotalSeconds;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly Random _random = new(18);

    public Task InitializeAsync() => TimeSeriesPartitions.EnsureAsync(db.DataSource, DateTimeOffset.UtcNow, daysBack: 4);

    public Task DisposeAsync() => Task.CompletedTask;

    private RecommendationService Service()
    {
        var time = TimeProvider.System;
        return new RecommendationService(db.Contexts, new CampaignAccess(db.Contexts, time), new MetricsQuery(db.DataSource),
            new ForecastQuery(db.Contexts, new ForecastStore(db.DataSource, db.Contexts), time), new RecommendationSignals(db.DataSource, time),
            new AuditLog(db.Contexts, time), time);
    }

    private async Task<Guid> CampaignAsync(decimal goal, string name = "Reco lamp") =>
        (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "rc-" + Guid.NewGuid().ToString("N")[..10], name, "EUR", goal, _now.AddDays(-3),
            endAt: _now.AddDays(20), allowedLatenessSeconds: Lateness)).Id;

    private static EventRecord Event(Guid campaign, string customer, string type, DateTimeOffset at, string source = "direct", decimal? amount = null,
        string? properties = null) =>
        new(Guid.NewGuid(), type, campaign, customer, "s-" + customer, at, source, amount, amount is null ? null : "EUR", properties);

    /// <summary>A customer's path: a visit, then each further step a minute after the previous one (well inside the funnel's 30 min).</summary>
    private static IEnumerable<EventRecord> Journey(Guid campaign, string customer, string source, DateTimeOffset at, int steps, decimal amount = 40m,
        string? reward = null, string? device = null)
    {
        var props = reward is null && device is null ? null
            : System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string?> { ["reward"] = reward, ["device"] = device }.Where(kv => kv.Value is not null)
                .ToDictionary(kv => kv.Key, kv => kv.Value));
        string[] types = [EventTypes.PageView, EventTypes.RewardView, EventTypes.CartCreated, EventTypes.CheckoutStarted, EventTypes.PledgeCompleted];
        for (var i = 0; i < steps; i++)
        {
            yield return Event(campaign, customer, types[i], at.AddMinutes(i), source, types[i] == EventTypes.PledgeCompleted ? amount : null, i == 0 ? null : props);
        }
    }

    private DateTimeOffset Within(double hoursAgoFrom, double hoursAgoTo) => _now.AddHours(-(hoursAgoTo + _random.NextDouble() * (hoursAgoFrom - hoursAgoTo)));

    private async Task IngestAsync(IEnumerable<EventRecord> events)
    {
        await db.Log.AppendAsync([.. events]);
        await db.Log.ProcessAllAsync();
    }

    [Fact]
    public async Task GetAsync_RedditConvertingFarAboveAverage_RecommendsPostingThere()
    {
        // Arrange: 500 visitors from reddit, 70 pledge (14 %); 1,000 from elsewhere, 60 pledge (6 %).
        var campaign = await CampaignAsync(5_000m);
        var events = new List<EventRecord>();
        foreach (var (source, visitors, pledgers) in new[] { ("social:reddit", 500, 70), ("direct", 600, 36), ("search", 400, 24) })
        {
            for (var i = 0; i < visitors; i++)
            {
                events.AddRange(Journey(campaign, $"{source}-{i}", source, Within(40, 2), i < pledgers ? 5 : 1));
            }
        }
        await IngestAsync(events);

        // Act
        var list = await Service().GetAsync(campaign);

        // Assert
        var r = Assert.Single(list!, r => r.RuleKey == RecommendationRules.SourceConversion);
        Assert.Equal("social:reddit", r.Evidence.Subject);
        Assert.Equal("14.0 %", r.Evidence.ValueText);
        Assert.Equal("8.7 %", r.Evidence.ComparedWithText);
    }

    [Fact]
    public async Task GetAsync_CartAbandonmentAboveSimilarCampaigns_RecommendsCheckingTheCheckout()
    {
        // Arrange: six campaigns with goals near €50,000 abandon 40–44 % of their carts (median 42.1 %); this one 70 % of 200.
        var campaign = await CampaignAsync(50_000m);
        var events = new List<EventRecord>();
        for (var p = 0; p < 6; p++)
        {
            var peer = await CampaignAsync(40_000m + p * 4_000m, $"Peer {p}");
            var abandoned = 48 + p;
            for (var i = 0; i < 120; i++)
            {
                events.AddRange(Journey(peer, $"peer{p}-{i}", "direct", Within(40, 3), i < abandoned ? 3 : 5));
            }
        }
        for (var i = 0; i < 200; i++)
        {
            events.AddRange(Journey(campaign, $"cart-{i}", "direct", Within(40, 3), i < 140 ? 3 : 5));
        }
        await IngestAsync(events);

        // Act
        var list = await Service().GetAsync(campaign);

        // Assert
        var r = Assert.Single(list!, r => r.RuleKey == RecommendationRules.CartAbandonment);
        Assert.Equal("70.0 %", r.Evidence.ValueText);
        Assert.Equal("median of 6 similar campaigns", r.Evidence.ComparedWith);
        Assert.Equal("42.1 %", r.Evidence.ComparedWithText);
    }

    /// <summary>Checkouts in the last 24 h: mobile fails 45 of 150, desktop 8 of 200, tablet 1 of 40; older failures do not count.</summary>
    private List<EventRecord> DeviceTraffic(Guid campaign, string prefix, int mobileAttempts = 150, int mobileFailures = 45)
    {
        var events = new List<EventRecord>();
        foreach (var (device, attempts, failures) in new[] { ("mobile", mobileAttempts, mobileFailures), ("desktop", 200, 8), ("tablet", 40, 1) })
        {
            for (var i = 0; i < attempts; i++)
            {
                var customer = $"{prefix}-{device}-{i}";
                var at = Within(20, 0.5);
                events.AddRange(Journey(campaign, customer, "direct", at, 4, device: device));
                if (i < failures)
                {
                    events.Add(Event(campaign, customer, EventTypes.CheckoutFailed, at.AddMinutes(4), properties: $$"""{"device":"{{device}}"}"""));
                }
            }
        }
        // Two days ago desktop had a bad hour: outside the 24 h the rule reads.
        for (var i = 0; i < 80; i++)
        {
            events.Add(Event(campaign, $"{prefix}-old-{i}", EventTypes.CheckoutFailed, _now.AddHours(-40), properties: """{"device":"desktop"}"""));
        }
        return events;
    }

    [Fact]
    public async Task GetAsync_CheckoutFailuresConcentratedOnMobile_RecommendsTestingIt()
    {
        // Arrange
        var campaign = await CampaignAsync(5_000m);
        await IngestAsync(DeviceTraffic(campaign, "dev"));

        // Act
        var list = await Service().GetAsync(campaign);

        // Assert
        var r = Assert.Single(list!, r => r.RuleKey == RecommendationRules.DeviceCheckoutFailures);
        Assert.Equal("mobile", r.Evidence.Subject);
        Assert.Equal("30.0 %", r.Evidence.ValueText);
        Assert.Equal("3.8 %", r.Evidence.ComparedWithText);
    }

    [Fact]
    public async Task GetAsync_RewardViewedOftenRarelyPledged_RecommendsReviewingIt()
    {
        // Arrange: deluxe viewed by 300 and pledged by 3; early-bird 30 of 300, standard 36 of 400.
        var campaign = await CampaignAsync(5_000m);
        var events = new List<EventRecord>();
        foreach (var (reward, viewers, pledgers) in new[] { ("deluxe", 300, 3), ("early-bird", 300, 30), ("standard", 400, 36) })
        {
            for (var i = 0; i < viewers; i++)
            {
                events.AddRange(Journey(campaign, $"rw-{reward}-{i}", "direct", Within(20, 0.5), i < pledgers ? 5 : 2, amount: 60m, reward: reward));
            }
        }
        await IngestAsync(events);

        // Act
        var list = await Service().GetAsync(campaign);

        // Assert
        var r = Assert.Single(list!, r => r.RuleKey == RecommendationRules.RewardTier);
        Assert.Equal("deluxe", r.Evidence.Subject);
        Assert.Equal("1.0 %", r.Evidence.ValueText);
        Assert.Equal("9.4 %", r.Evidence.ComparedWithText);
    }

    [Fact]
    public async Task GetAsync_ForecastShortOfGoal_RecommendsThePaceNeeded()
    {
        // Arrange: €2,800 pledged 30–48 h ago and €200 in the last 24 h of a €10,000 goal; the forecast sees €6,500 (30 %).
        var campaign = await CampaignAsync(10_000m);
        var events = new List<EventRecord>();
        for (var i = 0; i < 70; i++)
        {
            events.AddRange(Journey(campaign, $"fc-old-{i}", "direct", Within(48, 30), 5, amount: 40m));
        }
        for (var i = 0; i < 5; i++)
        {
            events.AddRange(Journey(campaign, $"fc-new-{i}", "direct", Within(20, 1), 5, amount: 40m));
        }
        await IngestAsync(events);
        await new ForecastStore(db.DataSource, db.Contexts).SaveAsync(new CampaignForecast(campaign, DateTimeOffset.UtcNow, ForecastBasis.Neighbours, 3_000m,
            10_000m, 6_500m, 4_500m, 9_500m, 0.3, null,
            new ForecastInputs(0.13, 0.3, 0.2, new LiveSignals(75, 1, 0, 0), 140, 25, 0.3, 0.45, 2.2, 0.3)));

        // Act
        var list = await Service().GetAsync(campaign);

        // Assert: €7,000 over 20 days is €350 a day.
        var r = Assert.Single(list!, r => r.RuleKey == RecommendationRules.ForecastShortfall);
        Assert.Equal("€350 a day", r.Evidence.ValueText);
        Assert.Equal("€200 a day", r.Evidence.ComparedWithText);
        Assert.Equal(3_500m, r.ExpectedValue);
    }

    [Fact]
    public async Task DismissAsync_EvidenceUnchangedThenMovesMaterially_HiddenPersistedAuditedThenBack()
    {
        // Arrange
        var campaign = await CampaignAsync(5_000m);
        await IngestAsync(DeviceTraffic(campaign, "dis"));
        var email = $"creator-{Guid.NewGuid():N}@reco.test";
        var creator = new Actor(await db.CreateUserAsync(email, db.OrganisationId), email, false);

        // Act: dismiss; then two more mobile failures (30 % → 30.9 %); then 50 more failing checkouts (→ 48.0 %).
        var dismissal = await Service().DismissAsync(creator, campaign, RecommendationRules.DeviceCheckoutFailures);
        var afterDismissal = await Service().GetAsync(campaign);
        await IngestAsync(DeviceTraffic(campaign, "dis2", mobileAttempts: 2, mobileFailures: 2).Where(e => e.CustomerId.Contains("mobile")));
        var afterSmallChange = await Service().GetAsync(campaign);
        await IngestAsync(DeviceTraffic(campaign, "dis3", mobileAttempts: 50, mobileFailures: 50).Where(e => e.CustomerId.Contains("mobile")));
        var afterLargeChange = await Service().GetAsync(campaign);

        // Assert
        Assert.Equal("mobile", dismissal.Subject);
        Assert.Equal(0.3, dismissal.Value, 6);
        Assert.DoesNotContain(afterDismissal!, r => r.RuleKey == RecommendationRules.DeviceCheckoutFailures);
        Assert.DoesNotContain(afterSmallChange!, r => r.RuleKey == RecommendationRules.DeviceCheckoutFailures);
        var back = Assert.Single(afterLargeChange!, r => r.RuleKey == RecommendationRules.DeviceCheckoutFailures);
        Assert.Equal("48.0 %", back.Evidence.ValueText);
        Assert.Equal(1L, await db.ScalarAsync<long>(
            $"SELECT count(*) FROM recommendation_dismissals WHERE campaign_id = '{campaign}' AND rule_key = '{RecommendationRules.DeviceCheckoutFailures}' AND subject = 'mobile'"));
        Assert.Equal(1L, await db.ScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE action = '{AuditActions.RecommendationDismissed}' AND campaign_id = '{campaign}' AND actor_user_id = '{creator.UserId}'"));
    }

    [Fact]
    public async Task DismissAsync_OtherOrganisationOrNothingToDismiss_RefusedOrConflict()
    {
        // Arrange: a quiet campaign, and a creator of another organisation.
        var campaign = await CampaignAsync(5_000m);
        await IngestAsync(Journey(campaign, "quiet-1", "direct", _now.AddHours(-1), 1));
        var org = await db.CreateOrganisationAsync("Elsewhere");
        var outsider = new Actor(await db.CreateUserAsync($"out-{Guid.NewGuid():N}@reco.test", org), "outsider", false);
        var member = new Actor(await db.CreateUserAsync($"in-{Guid.NewGuid():N}@reco.test", db.OrganisationId), "member", false);

        // Act / Assert
        await Assert.ThrowsAsync<AccessDeniedException>(() => Service().DismissAsync(outsider, campaign, RecommendationRules.SourceConversion));
        await Assert.ThrowsAsync<ConflictException>(() => Service().DismissAsync(member, campaign, RecommendationRules.SourceConversion));
        await Assert.ThrowsAsync<NotFoundException>(() => Service().DismissAsync(member, campaign, "no-such-rule"));
        Assert.Empty((await Service().GetAsync(campaign))!);
    }

    [Fact]
    public async Task LiveSource_DismissFromThePage_WatchersGetAViewWithoutTheCardAtOnce()
    {
        // Arrange: the campaign page's source with the recommendation service, a watcher, and a creator of the organisation.
        var campaign = await CampaignAsync(5_000m);
        await IngestAsync(DeviceTraffic(campaign, "live"));
        var options = Options.Create(new ProcessingOptions { NotifyThrottleMilliseconds = 0 });
        var time = TimeProvider.System;
        var source = new CampaignLiveSource(new CampaignAccess(db.Contexts, time), new MetricsQuery(db.DataSource), new EventFeedQueries(db.Contexts),
            new CampaignChangeFeed(options, time, NullLogger<CampaignChangeFeed>.Instance), options, time, NullLogger<CampaignLiveSource>.Instance,
            new ForecastQuery(db.Contexts, new ForecastStore(db.DataSource, db.Contexts), time), Service());
        var views = new List<CampaignLiveView>();
        using var subscription = source.Subscribe(campaign, LiveRange.Live, v =>
        {
            lock (views)
            {
                views.Add(v);
            }
            return Task.CompletedTask;
        });
        var email = $"live-{Guid.NewGuid():N}@reco.test";
        var creator = new Actor(await db.CreateUserAsync(email, db.OrganisationId), email, false);
        await WaitAsync(() => views.Count > 0, TimeSpan.FromSeconds(10));
        var first = Latest();

        // Act
        var dismissal = await source.DismissRecommendationAsync(creator, campaign, RecommendationRules.DeviceCheckoutFailures);
        // Well within the 5 s slide: only the refresh the dismissal asked for can bring the next view this soon.
        await WaitAsync(() => Latest().At > dismissal.At, TimeSpan.FromSeconds(3));

        // Assert
        Assert.Contains(first.Recommendations!, r => r.RuleKey == RecommendationRules.DeviceCheckoutFailures);
        Assert.False(first.RecommendationsFailed);
        Assert.DoesNotContain(Latest().Recommendations!, r => r.RuleKey == RecommendationRules.DeviceCheckoutFailures);

        CampaignLiveView Latest()
        {
            lock (views)
            {
                return views[^1];
            }
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(25);
        }
        Assert.True(condition(), "not within " + limit);
    }
}
