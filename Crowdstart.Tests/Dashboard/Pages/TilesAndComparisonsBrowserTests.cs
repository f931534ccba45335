using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Dashboard.Pages;

/// <summary>
/// The campaign page's tiles, comparisons and drill-down in the real app and Chromium: a tile's definition on hover, changes
/// against the previous period, the same-age comparison with another launch, the goal on the cumulative axis; the customer
/// list's search and filters, a readable timeline; the admin's pending-requests badge and per-request duration.
/// </summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class TilesAndComparisonsBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 30_000 };

    private async Task<IPage> SignedInPageAsync(TestUser user, int width = 1440, int height = 900)
    {
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, user);
        return page;
    }

    private static async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
    }

    private static string Shot(string name) => Path.Combine(BrowserFixture.ArtifactsDirectory, name);

    private static object Event(Guid campaign, string type, string customer, DateTimeOffset at, decimal? amount = null, string source = "direct",
        object? properties = null) => new
        {
            eventId = Guid.NewGuid(), type, campaignId = campaign, customerId = customer, sessionId = "s-" + customer, occurredAt = at.ToString("O"), source,
            amount, currency = amount is null ? null : "EUR", properties,
        };

    [Fact]
    public async Task CreatorAndAdmin_TilesComparisonsCustomerSearchAndBadge_ReadAsDefinedAndFollowLive()
    {
        // Arrange: an organisation with two launches (this one 3 h 10 min ago, the other two days ago) and their traffic
        var org = await app.CreateOrganisationAsync("Tiles org");
        var now = DateTimeOffset.UtcNow;
        var campaigns = app.Database.Campaigns;
        var aurora = await campaigns.CreateCampaignAsync(org, "tiles-" + Guid.NewGuid().ToString("N")[..8], "Aurora Lamp", "EUR", 2_000m, now.AddMinutes(-190));
        var ember = await campaigns.CreateCampaignAsync(org, "tiles-" + Guid.NewGuid().ToString("N")[..8], "Ember Isles", "EUR", 2_000m, now.AddDays(-2));
        var auroraKey = await campaigns.CreateIngestKeyAsync(aurora.Id, "test");
        var emberKey = await campaigns.CreateIngestKeyAsync(ember.Id, "test");
        var events = new List<object>();
        for (var i = 0; i < 24; i++)
        {
            var at = now.AddMinutes(-180 + i * 7.5);
            var customer = $"backer-{i:00}";
            events.Add(Event(aurora.Id, EventTypes.PageView, customer, at, source: i % 3 == 0 ? "social:reddit" : "direct"));
            if (i % 4 != 3)
            {
                events.Add(Event(aurora.Id, EventTypes.CartCreated, customer, at.AddSeconds(40), properties: new { reward = "early bird", quantity = 2 }));
            }
            if (i % 4 is 0 or 1)
            {
                events.Add(Event(aurora.Id, EventTypes.CheckoutStarted, customer, at.AddSeconds(70), properties: new { reward = "early bird", payment = "card" }));
                events.Add(Event(aurora.Id, EventTypes.PledgeCompleted, customer, at.AddSeconds(90), 40m + i, properties: new { reward = "early bird", quantity = 2, add_on = "stand" }));
            }
            if (i == 5)
            {
                events.Add(Event(aurora.Id, EventTypes.PledgeRefunded, customer, at.AddMinutes(20), 45m, properties: new { reason = "duplicate" }));
            }
        }
        // The last ten minutes: visits, checkouts and a failure, so every live window has a window before it to compare with.
        for (var i = 0; i < 8; i++)
        {
            var at = now.AddMinutes(-9 + i);
            events.Add(Event(aurora.Id, EventTypes.PageView, $"late-{i}", at, source: i % 2 == 0 ? "social:reddit" : "direct"));
            events.Add(Event(aurora.Id, EventTypes.CheckoutStarted, $"late-{i}", at.AddSeconds(10)));
            if (i % 3 == 0)
            {
                events.Add(Event(aurora.Id, EventTypes.PledgeCompleted, $"late-{i}", at.AddSeconds(20), 30m));
            }
            if (i == 6)
            {
                events.Add(Event(aurora.Id, EventTypes.CheckoutFailed, $"late-{i}", at.AddSeconds(15), properties: new { reason = "card_declined" }));
            }
        }
        (await app.PostEventsAsync(auroraKey, events)).EnsureSuccessStatusCode();
        (await app.PostEventsAsync(emberKey, new[]
        {
            Event(ember.Id, EventTypes.PageView, "e1", ember.LaunchAt.AddMinutes(10)),
            Event(ember.Id, EventTypes.PledgeCompleted, "e1", ember.LaunchAt.AddMinutes(12), 300m),
            Event(ember.Id, EventTypes.PledgeCompleted, "e2", ember.LaunchAt.AddMinutes(100), 200m),
        })).EnsureSuccessStatusCode();
        await app.WaitForPipelineAsync();
        var creatorUser = await app.CreateUserAsync(Roles.Creator, org);
        var adminUser = await app.CreateUserAsync(Roles.Admin, null);
        var creator = await SignedInPageAsync(creatorUser);
        var admin = await SignedInPageAsync(adminUser);

        // Act + Assert 1: the tiles say what they are, with their change against the previous period
        await GoAsync(creator, $"campaigns/{aurora.Id}");
        await Assertions.Expect(creator.GetByTestId("kpi-revenue-hour-comparison")).ToContainTextAsync("vs previous hour", new() { Timeout = 30_000 });
        await Assertions.Expect(creator.GetByTestId("kpi-checkout-failures-trend")).ToContainTextAsync("pp");
        await Assertions.Expect(creator.GetByTestId("kpi-conversion-5m-comparison")).ToContainTextAsync("vs previous 5 min");
        await Assertions.Expect(creator.GetByTestId("kpi-late-comparison")).ToHaveTextAsync("since launch · no previous period");
        var failures = await creator.GetByTestId("kpi-checkout-failures").TextContentAsync();
        var failuresHint = await creator.GetByTestId("kpi-checkout-failures-hint").TextContentAsync();
        var counts = System.Text.RegularExpressions.Regex.Match(failuresHint!, @"^(\d+) of (\d+) checkouts failed in the last 5 min");
        Assert.True(counts.Success, failuresHint);
        Assert.Equal($"{100.0 * int.Parse(counts.Groups[1].Value) / int.Parse(counts.Groups[2].Value):0.#} %", failures);
        await Assertions.Expect(creator.GetByTestId("launch-comparison-sentence")).ToHaveTextAsync(
            new System.Text.RegularExpressions.Regex(@"^Aurora Lamp is \d+(\.\d)? % (ahead of|behind) Ember Isles at T\+3 h\.$"), new() { Timeout = 30_000 });
        await creator.GetByTestId("kpi-checkout-failures").HoverAsync();
        var tooltip = creator.Locator(".mud-tooltip").Filter(new() { HasText = "Failed checkouts ÷ checkout attempts" });
        await Assertions.Expect(tooltip).ToBeVisibleAsync(Soon);
        await creator.Locator("#campaign-revenue[data-chart-ready='true']").WaitForAsync(new() { Timeout = 30_000 });
        // Let the tooltip finish fading in before the picture is taken (nothing is asserted on time).
        await creator.WaitForTimeoutAsync(500);
        await creator.ScreenshotAsync(new() { Path = Shot("tiles-tooltip-deltas-comparison.png"), FullPage = false });

        // The goal and the cumulative line read on the right axis; the previous period's ghost on the per-interval axis.
        var axes = await creator.EvaluateAsync<JsonElement>(
            "() => { const w = ApexCharts.getChartByID('campaign-revenue').w; return { map: w.globals.seriesYAxisMap, names: w.globals.seriesNames }; }");
        var names = axes.GetProperty("names").EnumerateArray().Select(n => n.GetString()).ToList();
        var map = axes.GetProperty("map").EnumerateArray().Select(a => a.EnumerateArray().Select(i => names[i.GetInt32()]).ToList()).ToList();
        Assert.Contains("Goal", map[1]);
        Assert.Contains("Cumulative", map[1]);
        Assert.Contains("Net pledged", map[0]);
        Assert.Contains(Crowdstart.Dashboard.Model.CampaignLiveViewModel.PreviousPeriodSeries, map[0]);
        await creator.Locator("#campaign-conversion[data-chart-ready='true']").WaitForAsync(new() { Timeout = 30_000 });
        var conversionNames = await creator.EvaluateAsync<string[]>("() => ApexCharts.getChartByID('campaign-conversion').w.globals.seriesNames");
        Assert.Contains(Crowdstart.Dashboard.Model.CampaignLiveViewModel.PreviousConversionSeries, conversionNames);
        await creator.Locator("#campaign-revenue").ScrollIntoViewIfNeededAsync();
        await creator.ScreenshotAsync(new() { Path = Shot("revenue-goal-and-ghost.png") });
        await creator.Locator("#campaign-conversion").ScrollIntoViewIfNeededAsync();
        await creator.ScreenshotAsync(new() { Path = Shot("conversion-ghost.png") });

        // At phone width the tiles stack with their changes and the comparison line wraps under its selector.
        var phone = await SignedInPageAsync(creatorUser, 390, 844);
        await GoAsync(phone, $"campaigns/{aurora.Id}");
        await Assertions.Expect(phone.GetByTestId("launch-comparison-sentence")).ToContainTextAsync("Ember Isles", new() { Timeout = 30_000 });
        await phone.GetByTestId("kpi-revenue-hour").ScrollIntoViewIfNeededAsync();
        await phone.ScreenshotAsync(new() { Path = Shot("tiles-phone.png") });
        await phone.Context.CloseAsync();

        // The badge: the creator asks for customer-level access; the admin's menu shows it without a reload.
        await GoAsync(admin, "/");
        await creator.GetByTestId("request-reason").FillAsync("Backer 05 asks about a refund");
        await creator.GetByTestId("request-access").ClickAsync();
        await Assertions.Expect(creator.GetByTestId("request-pending")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(creator.GetByTestId("pending-requests-badge")).ToHaveCountAsync(0);
        var badge = admin.GetByTestId("pending-requests-badge");
        await Assertions.Expect(badge).ToBeVisibleAsync(Soon);
        Assert.Matches(@"\d+", await badge.TextContentAsync());
        await admin.ScreenshotAsync(new() { Path = Shot("admin-badge.png"), Clip = new() { X = 0, Y = 0, Width = 1440, Height = 120 } });

        // The admin approves this request for 4 h, chosen on its own row; the buttons stay on one line.
        await GoAsync(admin, "admin/access");
        var row = admin.GetByTestId("pending-row").Filter(new() { HasText = "Backer 05 asks about a refund" });
        await row.GetByTestId("approve-hours").ClickAsync();
        await admin.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex(@"^\s*4 h\s*$") }).ClickAsync();
        var approve = await row.GetByTestId("approve").BoundingBoxAsync();
        var deny = await row.GetByTestId("deny").BoundingBoxAsync();
        Assert.Equal(approve!.Y, deny!.Y, 1);
        Assert.True(approve.Height < 40, $"the approve button wrapped ({approve.Height}px high)");
        await admin.ScreenshotAsync(new() { Path = Shot("admin-approve-duration.png"), FullPage = true });
        await row.GetByTestId("approve").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("access-message")).ToHaveTextAsync("Approved for 4 h.", new() { Timeout = 30_000 });

        // The creator searches the customer list and filters it, then opens a timeline.
        await Assertions.Expect(creator.GetByTestId("open-customers")).ToBeVisibleAsync(Soon);
        await creator.GetByTestId("open-customers").ClickAsync();
        await Assertions.Expect(creator.GetByTestId("customers-count")).ToContainTextAsync("of 32 customers", new() { Timeout = 30_000 });
        await creator.Locator("input[data-testid=customer-search], [data-testid=customer-search] input").First.FillAsync("BACKER-0");
        await Assertions.Expect(creator.GetByTestId("customers-count")).ToContainTextAsync("1–10 of 10 customers", new() { Timeout = 30_000 });
        await creator.GetByTestId("customer-filter-refunded").ClickAsync();
        await Assertions.Expect(creator.GetByTestId("customer-row")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Assertions.Expect(creator.GetByTestId("customer-status")).ToHaveTextAsync("Refunded");
        await creator.GetByTestId("customer-filter-abandoned").ClickAsync();
        // Carts without a pledge among backer-00…09: 02 and 06.
        await Assertions.Expect(creator.GetByTestId("customer-row")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        await creator.ScreenshotAsync(new() { Path = Shot("customer-search.png"), FullPage = true });
        await creator.GetByTestId("customer-filter-all").ClickAsync();
        await creator.GetByTestId("customer-link").Filter(new() { HasText = "backer-05" }).ClickAsync();
        await Assertions.Expect(creator.GetByTestId("timeline-event").First).ToHaveTextAsync("Visit", new() { Timeout = 30_000 });
        await Assertions.Expect(creator.GetByTestId("timeline-event").Filter(new() { HasText = "Refund" })).ToHaveCountAsync(1);
        await Assertions.Expect(creator.GetByTestId("timeline-properties").First).ToContainTextAsync("early bird");
        Assert.Equal(["reward", "quantity"], await creator.GetByTestId("timeline-properties").First.Locator("dt").AllTextContentsAsync());
        Assert.DoesNotContain("{\"", await creator.GetByTestId("timeline").TextContentAsync());
        await creator.ScreenshotAsync(new() { Path = Shot("customer-timeline-properties.png"), FullPage = true });
    }
}
