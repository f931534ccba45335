using Bunit;
using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Dashboard.Components.Pages;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Dashboard.Pages;

/// <summary>The campaign page rendered by bUnit over real rollups in PostgreSQL (from either log engine).</summary>
[Layer(TestLayer.Database)]
public sealed class CampaignLivePageTests(TestDatabase db) : CampaignLivePageTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class CampaignLivePageTestsOnJetStream(JetStreamTestDatabase db) : CampaignLivePageTests<JetStreamTestDatabase>(db);

/// <summary>The tests of <see cref="CampaignLivePageTests"/> on each log engine (the engine is the fixture's).</summary>
public abstract class CampaignLivePageTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase>, IAsyncLifetime where TDatabase : TestDatabase
{
    // Generous: real database round-trips on a 2-core machine that may be running Chromium at the same time.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private DashboardTestContext _ctx = null!;
    private CampaignChangeFeed _feed = null!;

    private readonly Guid _creatorId = Guid.NewGuid();
    private Crowdstart.Pipeline.Alerts.AlertFeed _alertFeed = null!;
    private Crowdstart.Pipeline.Alerts.AlertStore _alerts = null!;
    private readonly string _creatorEmail = $"bunit-{Guid.NewGuid():N}@test.example";
    private AccountServices _accounts = null!;

    public async Task InitializeAsync()
    {
        await using (var seed = await db.Contexts.CreateDbContextAsync())
        {
            seed.Users.Add(new Crowdstart.Pipeline.Storage.Entities.CrowdstartUser { Id = _creatorId, UserName = _creatorEmail, Email = _creatorEmail, DisplayName = "bUnit creator" });
            seed.OrganisationMembers.Add(new Crowdstart.Pipeline.Storage.Entities.OrganisationMember { OrganisationId = db.OrganisationId, UserId = _creatorId });
            await seed.SaveChangesAsync();
        }
        _feed = new CampaignChangeFeed(Options.Create(new ProcessingOptions { NotifyThrottleMilliseconds = 0 }), TimeProvider.System,
            NullLogger<CampaignChangeFeed>.Instance);
        // The page acts for a signed-in creator of the test organisation (access is checked against the database).
        _accounts = new AccountServices(db, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow));
        _alertFeed = new Crowdstart.Pipeline.Alerts.AlertFeed();
        _alerts = new Crowdstart.Pipeline.Alerts.AlertStore(db.Contexts, _accounts.Access, _alertFeed, TimeProvider.System);
        _ctx = new DashboardTestContext(ctx =>
        {
            // The page reads the system clock: the events appended here carry real timestamps.
            ctx.UseClock(TimeProvider.System);
            ctx.AddAccountServices(_accounts);
            ctx.AddCampaignPageServices(db, _feed, _alerts, _alertFeed);
            ctx.SignIn(_creatorId, _creatorEmail);
        });
    }

    public async Task DisposeAsync()
    {
        if (_ctx is not null)
        {
            await _ctx.DisposeAsync();
        }
    }

    private async Task AppendAndProcessAsync(IReadOnlyList<EventRecord> events)
    {
        await db.Log.AppendAsync(events);
        _feed.Publish([.. await db.Log.ProcessAllAsync()]);
    }

    /// <summary>Calls of one chart (the module serves every chart on the page).</summary>
    private IReadOnlyList<JSRuntimeInvocation> ChartCalls(string identifier, string chartId) =>
        _ctx.Charts.Invocations[identifier].Where(i => identifier == "create" ? Equals(i.Arguments[1], chartId) : Equals(i.Arguments[0], chartId)).ToList();

    [Fact]
    public async Task CampaignLive_PipelineCommits_PageRerendersFiguresAndUpdatesChartsInPlace()
    {
        // Arrange
        var campaign = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "bunit-" + Guid.NewGuid().ToString("N")[..8], "bUnit Lamp", "EUR", 1000m, DateTimeOffset.UtcNow.AddHours(-1));
        var now = DateTimeOffset.UtcNow;
        await AppendAndProcessAsync([
            EventFactory.Event(campaign.Id, "a", EventTypes.PageView, now.AddMinutes(-3)),
            EventFactory.Event(campaign.Id, "a", EventTypes.PledgeCompleted, now.AddMinutes(-2), 100m),
        ]);

        // Act: first paint
        var cut = _ctx.Render<CampaignLive>(p => p.Add(c => c.CampaignId, campaign.Id));

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("€100", cut.Find("[data-testid=kpi-pledged-total]").TextContent), Wait);
        Assert.Equal("10 %", cut.Find("[data-testid=kpi-goal-progress]").TextContent);
        Assert.Equal("1", cut.Find("[data-testid=kpi-pledges]").TextContent);
        Assert.Equal("€100", cut.Find("[data-testid=kpi-revenue-hour]").TextContent);
        cut.WaitForAssertion(() => Assert.Single(ChartCalls("create", "campaign-revenue")), Wait);

        // Act: the pipeline commits more events
        await AppendAndProcessAsync([
            EventFactory.Event(campaign.Id, "b", EventTypes.PageView, now.AddSeconds(-20), source: "social:reddit"),
            EventFactory.Event(campaign.Id, "b", EventTypes.PledgeCompleted, now.AddSeconds(-10), 150m, source: "social:reddit"),
            EventFactory.Event(campaign.Id, "a", EventTypes.PledgeRefunded, now.AddSeconds(-5), 100m),
        ]);

        // Assert: figures, funnel, sources and feed follow; charts are updated, never re-created
        cut.WaitForAssertion(() => Assert.Equal("€150", cut.Find("[data-testid=kpi-pledged-total]").TextContent), Wait);
        Assert.Equal("2", cut.Find("[data-testid=kpi-pledges]").TextContent);
        // b visited and pledged in the last five minutes; a's visit is three minutes old and a pledged too.
        Assert.Equal("100 %", cut.Find("[data-testid=kpi-conversion-5m]").TextContent);
        Assert.Equal("2", cut.FindAll("[data-testid=funnel-step-customers]")[0].TextContent);
        Assert.Contains(cut.FindAll("[data-testid=source-name]"), e => e.TextContent == "Reddit");
        Assert.Equal(5, cut.FindAll("[data-testid=feed-row]").Count);
        Assert.Equal("Refund", cut.FindAll("[data-testid=feed-type]")[0].TextContent);
        Assert.Empty(cut.FindAll("[data-testid=feed-customer]"));
        cut.WaitForAssertion(() => Assert.NotEmpty(ChartCalls("updateSeries", "campaign-revenue")), Wait);
        Assert.Single(ChartCalls("create", "campaign-revenue"));
        var series = (IReadOnlyList<object>)ChartCalls("updateSeries", "campaign-revenue")[^1].Arguments[1]!;
        var perMinute = (ChartSeries)series[0];
        var cumulative = (ChartSeries)series[1];
        var goal = (ChartSeries)series[2];
        Assert.Equal(150, perMinute.Data.Sum(p => p[1]));
        Assert.Equal(150, cumulative.Data[^1][1]);
        Assert.All(goal.Data, p => Assert.Equal(1000, p[1]));
        // The live range: the last 15 minutes, one bar a minute.
        Assert.InRange(perMinute.Data.Count, 15, 16);
    }

    [Fact]
    public async Task CampaignLive_RangeInUrl_ChartsCoverThatRange()
    {
        var campaign = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "range-" + Guid.NewGuid().ToString("N")[..8], "Range Lamp", "EUR", 1000m, DateTimeOffset.UtcNow.AddHours(-30));
        await AppendAndProcessAsync([
            EventFactory.Event(campaign.Id, "r1", EventTypes.PledgeCompleted, DateTimeOffset.UtcNow.AddHours(-5), 40m),
            EventFactory.Event(campaign.Id, "r2", EventTypes.PledgeCompleted, DateTimeOffset.UtcNow.AddMinutes(-1), 60m),
        ]);

        var navigation = _ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("range", "6h"));

        var cut = _ctx.Render<CampaignLive>(p => p.Add(c => c.CampaignId, campaign.Id));

        cut.WaitForAssertion(() => Assert.NotEmpty(ChartCalls("create", "campaign-revenue")), Wait);
        var series = (IReadOnlyList<object>)ChartCalls("create", "campaign-revenue")[^1].Arguments[3]!;
        var perMinute = (ChartSeries)series[0];
        // Six hours a minute apart, holding both pledges; the selector marks 6 h.
        Assert.InRange(perMinute.Data.Count, 360, 361);
        Assert.Equal(100, perMinute.Data.Sum(p => p[1]));
        Assert.Equal("true", cut.Find("[data-testid=range-6h]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task CampaignLive_LiveGrant_ShowsCustomerIdsInFeedOnlyWhileTheGrantLives()
    {
        // Arrange: a grant for the page's user, from an admin
        var campaign = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "feed-" + Guid.NewGuid().ToString("N")[..8], "Feed Lamp", "EUR", 1000m, DateTimeOffset.UtcNow.AddHours(-1));
        await AppendAndProcessAsync([EventFactory.Event(campaign.Id, "cust-feed-1", EventTypes.PageView, DateTimeOffset.UtcNow.AddSeconds(-30))]);
        var adminId = await db.CreateUserAsync($"admin-{Guid.NewGuid():N}@test.example");
        var admin = AccountServices.Admin(adminId);
        var grant = await _accounts.Grants.GrantAsync(admin, _creatorId, campaign.Id, "bUnit: support ticket about the live feed");
        var cut = _ctx.Render<CampaignLive>(p => p.Add(c => c.CampaignId, campaign.Id));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=feed-row]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=feed-customer]"));

        // Act: the user asks for ids
        await cut.InvokeAsync(() => cut.FindComponents<MudBlazor.MudSwitch<bool>>()
            .Single(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var id) && (string)id! == "feed-show-customers")
            .Instance.ValueChanged.InvokeAsync(true));

        // Assert: ids shown, linked to the drill-down, and the watch is in the audit log with its grant
        cut.WaitForAssertion(() => Assert.Equal("cust-feed-1", cut.Find("[data-testid=feed-customer]").TextContent), Wait);
        Assert.EndsWith($"/campaigns/{campaign.Id}/customers/cust-feed-1", cut.Find("[data-testid=feed-customer]").GetAttribute("href"));
        Assert.Equal(1, await db.ScalarAsync<int>($"SELECT count(*)::int FROM audit_log WHERE action = 'customer.feed.watched' AND campaign_id = '{campaign.Id}' AND grant_id = '{grant.Id}'"));

        // Act: the grant is revoked while the page is open
        await _accounts.Grants.RevokeAsync(admin, grant.Id);

        // Assert: ids gone at once, switch gone
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=feed-customer]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=feed-show-customers]"));
    }

    [Fact]
    public void CampaignLive_UnknownCampaign_ShowsNotFoundMessage()
    {
        var cut = _ctx.Render<CampaignLive>(p => p.Add(c => c.CampaignId, Guid.NewGuid()));

        cut.WaitForAssertion(() => Assert.Contains("This campaign does not exist", cut.Markup), Wait);
    }

    [Fact]
    public async Task CampaignLive_CampaignOfAnotherOrganisation_ShowsNotFoundMessage()
    {
        var otherOrg = await db.CreateOrganisationAsync("Someone else");
        var foreign = await db.Campaigns.CreateCampaignAsync(otherOrg, "foreign-" + Guid.NewGuid().ToString("N")[..8], "Not yours", "EUR", 1000m, DateTimeOffset.UtcNow);

        var cut = _ctx.Render<CampaignLive>(p => p.Add(c => c.CampaignId, foreign.Id));

        cut.WaitForAssertion(() => Assert.Contains("This campaign does not exist", cut.Markup), Wait);
        Assert.DoesNotContain("Not yours", cut.Markup);
    }

    [Fact]
    public async Task CampaignLive_AlertOpensThenIsAcknowledged_BannerFollowsWithoutReload()
    {
        var campaign = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "banner-" + Guid.NewGuid().ToString("N")[..8], "Banner Lamp", "EUR", 1000m, DateTimeOffset.UtcNow.AddHours(-2));
        var cut = _ctx.Render<CampaignLive>(p => p.Add(c => c.CampaignId, campaign.Id));
        cut.WaitForAssertion(() => Assert.Equal("Banner Lamp", cut.Find("[data-testid=campaign-name]").TextContent), Wait);
        Assert.Empty(cut.FindAll("[data-testid=alert-item]"));

        var signal = new Crowdstart.Pipeline.Alerts.Signal(Crowdstart.Pipeline.Alerts.DetectorKinds.CheckoutFailureSpike, "campaign", true,
            Crowdstart.Pipeline.Alerts.AlertSeverity.Critical, "Checkout failures rose to 72 % of checkouts over the last 5 min (23 of 32; baseline 4 %–9 %)", 0.72, 0.04, 0.09);
        await _alerts.ApplyAsync(campaign.Id, [new("opened", signal.Detector, signal.Scope, signal, DateTimeOffset.UtcNow)]);

        cut.WaitForAssertion(() => Assert.Contains("Checkout failures rose to 72 %", cut.Find("[data-testid=alert-item]").TextContent), Wait);
        Assert.Equal("open", cut.Find("[data-testid=alert-item]").GetAttribute("data-status"));
        cut.Find("[data-testid=alert-acknowledge]").Click();
        cut.WaitForAssertion(() => Assert.Equal("acknowledged", cut.Find("[data-testid=alert-item]").GetAttribute("data-status")), Wait);
        Assert.Contains("acknowledged by", cut.Find("[data-testid=alert-acknowledged]").TextContent);
    }

    [Fact]
    public async Task CampaignLive_SpikeDrivenByAHostileSourceName_BannerShowsItAsText()
    {
        // Arrange: the detector's own message for a spike driven by a source named like markup (sources come from events)
        const string hostile = "<img src=x onerror=alert(1)>";
        var buckets = Enumerable.Range(0, 150 * 6).Select(i => i < 147 * 6
            ? new Crowdstart.Pipeline.Alerts.BucketCounts(DateTimeOffset.UnixEpoch.AddSeconds(10 * i), 10, 2, 0, 2, new Dictionary<string, int> { ["direct"] = 10 })
            : new Crowdstart.Pipeline.Alerts.BucketCounts(DateTimeOffset.UnixEpoch.AddSeconds(10 * i), 40, 2, 0, 2, new Dictionary<string, int> { ["direct"] = 10, [hostile] = 30 })).ToList();
        var signal = Crowdstart.Pipeline.Alerts.Detectors.Evaluate(new Crowdstart.Pipeline.Alerts.CampaignSeries(buckets, DateTimeOffset.UnixEpoch),
            Crowdstart.Pipeline.Alerts.DetectorSettings.Default).Single(x => x.Detector == Crowdstart.Pipeline.Alerts.DetectorKinds.TrafficSpike);
        Assert.True(signal.Anomalous);
        var campaign = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "xss-" + Guid.NewGuid().ToString("N")[..8], "Spike Lamp", "EUR", 1000m, DateTimeOffset.UtcNow.AddHours(-2));
        var cut = _ctx.Render<CampaignLive>(p => p.Add(c => c.CampaignId, campaign.Id));
        cut.WaitForAssertion(() => Assert.Equal("Spike Lamp", cut.Find("[data-testid=campaign-name]").TextContent), Wait);

        // Act
        await _alerts.ApplyAsync(campaign.Id, [new("opened", signal.Detector, signal.Scope, signal, DateTimeOffset.UtcNow)]);

        // Assert: the name reads as text in the banner, and no element came of it
        cut.WaitForAssertion(() => Assert.Contains($"driven by {hostile}", cut.Find("[data-testid=alert-item]").TextContent), Wait);
        Assert.Empty(cut.FindAll("[data-testid=alert-item] img"));
    }

    [Fact]
    public async Task CampaignLive_HistoryBeforeTheWindows_TilesShowDefinitionsChangesAndSameAgeComparison()
    {
        // Arrange: an organisation of the creator's own with two launches; this one 3 h 10 min ago, the other two days ago.
        var org = await db.CreateOrganisationAsync("Compare " + Guid.NewGuid().ToString("N")[..6]);
        await using (var seed = await db.Contexts.CreateDbContextAsync())
        {
            seed.OrganisationMembers.Add(new Crowdstart.Pipeline.Storage.Entities.OrganisationMember { OrganisationId = org, UserId = _creatorId });
            await seed.SaveChangesAsync();
        }
        var now = DateTimeOffset.UtcNow;
        var campaign = await db.Campaigns.CreateCampaignAsync(org, "cmp-" + Guid.NewGuid().ToString("N")[..8], "Tile Aurora", "EUR", 1000m, now.AddMinutes(-190));
        var other = await db.Campaigns.CreateCampaignAsync(org, "cmp-" + Guid.NewGuid().ToString("N")[..8], "Tile Ember", "EUR", 1000m, now.AddDays(-2));
        await Crowdstart.Pipeline.Storage.TimeSeriesPartitions.EnsureAsync(db.DataSource, now.AddDays(-2), daysBack: 1, daysAhead: 3);
        await AppendAndProcessAsync([
            // The hour before the last: €100. The last hour: €150 here and €10 below (€50 of it after T+3 h).
            EventFactory.Event(campaign.Id, "p1", EventTypes.PledgeCompleted, now.AddMinutes(-90), 100m),
            EventFactory.Event(campaign.Id, "p2", EventTypes.PledgeCompleted, now.AddMinutes(-30), 100m),
            EventFactory.Event(campaign.Id, "p3", EventTypes.PledgeCompleted, now.AddMinutes(-2), 50m),
            // The 5 min before the last 5: 2 checkouts, none failed. The last 5 min: 4 checkouts, 1 failed.
            EventFactory.Event(campaign.Id, "k1", EventTypes.CheckoutStarted, now.AddMinutes(-7)),
            EventFactory.Event(campaign.Id, "k2", EventTypes.CheckoutStarted, now.AddMinutes(-7)),
            .. Enumerable.Range(0, 4).Select(i => EventFactory.Event(campaign.Id, $"k{3 + i}", EventTypes.CheckoutStarted, now.AddMinutes(-2))),
            EventFactory.Event(campaign.Id, "k3", EventTypes.CheckoutFailed, now.AddMinutes(-2)),
            // The other campaign's first 3 h: €160.
            EventFactory.Event(other.Id, "o1", EventTypes.PledgeCompleted, other.LaunchAt.AddMinutes(30), 160m),
            EventFactory.Event(other.Id, "o2", EventTypes.PledgeCompleted, other.LaunchAt.AddHours(5), 999m),
        ]);
        // Visits and a pledge of the range before the live one, received on time (so they count in its live windows).
        await db.Log.AppendAsync([
            EventFactory.Event(campaign.Id, "v1", EventTypes.PageView, now.AddMinutes(-20)),
            EventFactory.Event(campaign.Id, "v2", EventTypes.PageView, now.AddMinutes(-20)),
            EventFactory.Event(campaign.Id, "v1", EventTypes.PledgeCompleted, now.AddMinutes(-19.5), 10m),
        ], new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now.AddMinutes(-19)));
        _feed.Publish([.. await db.Log.ProcessAllAsync()]);

        // Act
        var cut = _ctx.Render<CampaignLive>(p => p.Add(c => c.CampaignId, campaign.Id));

        // Assert: every tile carries its definition; changes say their unit; value and subtitle read the same window
        cut.WaitForAssertion(() => Assert.Equal("€160", cut.Find("[data-testid=kpi-revenue-hour]").TextContent), Wait);
        Assert.All(cut.FindComponents<KpiTile>(), t => Assert.Contains(t.Instance.Definition, Crowdstart.Dashboard.Model.MetricDefinitions.All.Select(d => d.Definition)));
        Assert.Equal("▲ 60 %", cut.Find("[data-testid=kpi-revenue-hour-trend]").TextContent);
        Assert.Equal("vs previous hour (€100)", cut.Find("[data-testid=kpi-revenue-hour-comparison]").TextContent);
        Assert.Equal("25 %", cut.Find("[data-testid=kpi-checkout-failures]").TextContent);
        Assert.Equal("▲ 25 pp", cut.Find("[data-testid=kpi-checkout-failures-trend]").TextContent);
        Assert.StartsWith("1 of 4 checkouts failed in the last 5 min", cut.Find("[data-testid=kpi-checkout-failures-hint]").TextContent);
        Assert.Equal("since launch · no previous period", cut.Find("[data-testid=kpi-late-comparison]").TextContent);
        Assert.Equal("Visit → pledge conversion · 5 min", cut.FindComponents<KpiTile>().Single(t => t.Instance.TestId == "kpi-conversion-5m").Instance.Label);
        // The other launch at the same age: €210 vs €160 in the first 3 h of each.
        cut.WaitForAssertion(() => Assert.Equal("Tile Aurora is 31 % ahead of Tile Ember at T+3 h.", cut.Find("[data-testid=launch-comparison-sentence]").TextContent), Wait);
        Assert.Equal("€210 vs €160 net pledged in the first 3 h of each", cut.Find("[data-testid=launch-comparison-detail]").TextContent);
        // The revenue chart has the previous 15 minutes as its ghost series.
        cut.WaitForAssertion(() => Assert.Single(ChartCalls("create", "campaign-revenue")), Wait);
        var created = (IReadOnlyList<object>)ChartCalls("create", "campaign-revenue")[0].Arguments[3]!;
        Assert.Contains(created, x => x is ChartSeries { Name: Crowdstart.Dashboard.Model.CampaignLiveViewModel.PreviousPeriodSeries });
        cut.WaitForAssertion(() => Assert.Single(ChartCalls("create", "campaign-conversion")), Wait);
        var conversion = (IReadOnlyList<object>)ChartCalls("create", "campaign-conversion")[0].Arguments[3]!;
        var ghost = Assert.Single(conversion.OfType<ChartSeries>(), x => x.Name == Crowdstart.Dashboard.Model.CampaignLiveViewModel.PreviousConversionSeries);
        // Moved forward by one range: every point lies inside the range drawn, none before it.
        var range = (double[])ChartCalls("create", "campaign-conversion")[0].Arguments[5]!;
        Assert.NotEmpty(ghost.Data);
        Assert.All(ghost.Data, p => Assert.InRange(p[0], range[0], range[1]));
        Assert.Contains(ghost.Data, p => p[1] == 50);
    }

    [Fact]
    public async Task CampaignLive_FirstHourAfterLaunch_EqualTilesSayWhyAndHaveNoPreviousPeriod()
    {
        // Arrange: 20 minutes after the launch, last hour = first 4 h = everything pledged
        var campaign = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "first-" + Guid.NewGuid().ToString("N")[..8], "First Hour Lamp", "EUR", 1000m, DateTimeOffset.UtcNow.AddMinutes(-20));
        await AppendAndProcessAsync([EventFactory.Event(campaign.Id, "f1", EventTypes.PledgeCompleted, DateTimeOffset.UtcNow.AddMinutes(-5), 70m)]);

        // Act
        var cut = _ctx.Render<CampaignLive>(p => p.Add(c => c.CampaignId, campaign.Id));

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("€70", cut.Find("[data-testid=kpi-revenue-hour]").TextContent), Wait);
        Assert.Equal("€70", cut.Find("[data-testid=kpi-early-velocity]").TextContent);
        Assert.StartsWith("first hour since launch: all pledged so far", cut.Find("[data-testid=kpi-revenue-hour-hint]").TextContent);
        Assert.Contains("until T+4 h this is all pledged since launch", cut.Find("[data-testid=kpi-early-velocity-hint]").TextContent);
        Assert.Equal("no previous period", cut.Find("[data-testid=kpi-revenue-hour-comparison]").TextContent);
        Assert.Equal("no previous period", cut.Find("[data-testid=kpi-social-comparison]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=kpi-revenue-hour-trend]"));
    }
}
