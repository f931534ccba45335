using Bunit;
using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Dashboard.Model;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Recommendations;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Controls;

/// <summary>The campaign page's Recommendations section: cards with evidence, effect, explorer link and Dismiss; the empty state; event text as text.</summary>
[Layer(TestLayer.Component)]
public sealed class RecommendationsPanelTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Launch = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly DashboardTestContext _ctx = new();
    private readonly CampaignInfo _campaign =
        new(Guid.NewGuid(), Guid.NewGuid(), "aurora", "Aurora lamp", "EUR", 10_000m, Launch, Launch.AddDays(30), "{}", 3600, 600, Launch, null);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private static Recommendation Device(string device) => new(RecommendationRules.DeviceCheckoutFailures,
        $"Checkout fails on {device} far more than on other devices (30.0 % vs 3.8 %): test the payment flow there",
        new RecommendationEvidence($"Checkout failure rate on {device}, last 24 h", device, 0.3, "30.0 %", "Failed checkouts ÷ checkouts started.",
            "other devices", 0.0375, "3.8 %", "The same share over every other device.", "150 checkouts, 45 failed"),
        "About 39 fewer failed checkouts a day at the other devices' rate.", 1_560m, "(30.0 % − 3.8 %) × 150 checkouts.",
        new RecommendationQuery(["checkout_started", "checkout_failed"], ["property:device", "type"], ["count"], 24));

    private static Recommendation Shortfall() => new(RecommendationRules.ForecastShortfall,
        "The forecast falls short of the goal: pledges need €350 a day from now to reach it, against €200 a day now",
        new RecommendationEvidence("Daily pace needed to reach the goal", "", 350, "€350 a day", "(goal − net pledged) ÷ days left.",
            "current pace", 200, "€200 a day", "Net pledged over the last 24 h.", "forecast €6,500 of €10,000"),
        "The forecast ends about €3,500 short of the goal.", 3_500m, "Goal − projected final total.",
        new RecommendationQuery(["pledge_completed", "pledge_refunded"], ["day", "type"], ["sum_amount"], null));

    [Fact]
    public void Render_Recommendations_CardsWithEvidenceEffectAndExplorerLink()
    {
        // Arrange
        IReadOnlyList<Recommendation> items = [Shortfall(), Device("mobile")];

        // Act
        var cut = _ctx.Render<RecommendationsPanel>(p => p.Add(c => c.Campaign, _campaign).Add(c => c.Items, items));

        // Assert
        var cards = cut.FindAll("[data-testid=recommendation]");
        Assert.Equal([RecommendationRules.ForecastShortfall, RecommendationRules.DeviceCheckoutFailures], cards.Select(c => c.GetAttribute("data-rule")));
        var device = cards[1];
        Assert.StartsWith("Checkout fails on mobile", device.QuerySelector("[data-testid=recommendation-title]")!.TextContent);
        Assert.Equal("30.0 %", device.QuerySelector("[data-testid=recommendation-value]")!.TextContent);
        Assert.Equal("3.8 % (other devices)", device.QuerySelector("[data-testid=recommendation-compared]")!.TextContent);
        Assert.Contains("39 fewer failed checkouts", device.QuerySelector("[data-testid=recommendation-effect]")!.TextContent);
        Assert.Equal("150 checkouts, 45 failed", device.QuerySelector("[data-testid=recommendation-sample]")!.TextContent);
        var href = device.QuerySelector("[data-testid=recommendation-explore]")!.GetAttribute("href")!;
        Assert.StartsWith("/explore?q=", href);
        var form = ExplorerForm.Decode(Uri.UnescapeDataString(href["/explore?q=".Length..]), out var error);
        Assert.Null(error);
        Assert.Equal([_campaign.Id], form!.Campaigns);
        Assert.Equal(ExplorerTimeMode.LastHours, form.Time);
        Assert.Equal(24, form.LastHours);
        Assert.Equal(["property:device", "type"], form.GroupBy);
        Assert.Equal(["checkout_started", "checkout_failed"], form.Types);
        Assert.Empty(cut.FindAll("[data-testid=recommendation-dismiss]"));
    }

    [Fact]
    public void Render_MarkupInEventText_ShownAsTextNeverAsElements()
    {
        // Arrange: a device name sent in an event property that is markup.
        const string hostile = "<img src=x onerror=alert(1)><b>phone</b>";

        // Act
        var cut = _ctx.Render<RecommendationsPanel>(p => p.Add(c => c.Campaign, _campaign).Add(c => c.Items, [Device(hostile)]));

        // Assert
        Assert.Empty(cut.FindAll("[data-testid=recommendation] img"));
        Assert.Contains(hostile, cut.Find("[data-testid=recommendation-title]").TextContent);
        Assert.Contains(hostile, cut.Find("[data-testid=recommendation-evidence]").TextContent);
        Assert.DoesNotContain("<img", cut.Markup);
    }

    [Fact]
    public void Dismiss_Clicked_CallsBackWithThatRecommendation()
    {
        // Arrange
        Recommendation? dismissed = null;
        var cut = _ctx.Render<RecommendationsPanel>(p => p.Add(c => c.Campaign, _campaign).Add(c => c.Items, [Shortfall(), Device("mobile")])
            .Add(c => c.OnDismiss, (Recommendation r) => dismissed = r));

        // Act
        cut.FindAll("[data-testid=recommendation-dismiss]")[1].Click();

        // Assert
        Assert.Equal(RecommendationRules.DeviceCheckoutFailures, dismissed?.RuleKey);
    }

    [Fact]
    public void Render_NoRecommendations_SaysWhatIsChecked()
    {
        // Act
        var cut = _ctx.Render<RecommendationsPanel>(p => p.Add(c => c.Campaign, _campaign).Add(c => c.Items, []));

        // Assert
        Assert.Equal("Nothing to recommend right now — we check conversion by source, cart abandonment, checkout failures by device, reward tiers and the forecast",
            cut.Find("[data-testid=recommendations-empty]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=recommendation]"));
    }

    [Fact]
    public void Render_LoadingOrFailed_SkeletonOrWarningNotCards()
    {
        // Act
        var loading = _ctx.Render<RecommendationsPanel>(p => p.Add(c => c.Campaign, _campaign));
        var failed = _ctx.Render<RecommendationsPanel>(p => p.Add(c => c.Campaign, _campaign).Add(c => c.Failed, true));

        // Assert
        Assert.NotEmpty(loading.FindAll(".mud-skeleton"));
        Assert.Empty(loading.FindAll("[data-testid=recommendations-empty]"));
        Assert.Contains("could not be computed", failed.Find("[data-testid=recommendations-failed]").TextContent);
    }
}
