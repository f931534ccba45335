using System.Text.Json;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Dashboard.Pages;

/// <summary>The creator's journey in the real app and real Chromium: everything the page shows follows the API, live.</summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class CampaignPageBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private const int Timeout = 30_000;

    private static object Event(Guid campaign, string type, string customer, decimal? amount = null, string source = "social:reddit") => amount is null
        ? new { eventId = Guid.NewGuid(), type, campaignId = campaign, customerId = customer, sessionId = "s-" + customer, occurredAt = DateTimeOffset.UtcNow.ToString("O"), source }
        : new { eventId = Guid.NewGuid(), type, campaignId = campaign, customerId = customer, sessionId = "s-" + customer, occurredAt = DateTimeOffset.UtcNow.ToString("O"), source, amount = amount.Value, currency = "EUR" } as object;

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

    /// <summary>Waits for the Blazor circuit: only then do live updates reach the page.</summary>
    private static Task InteractiveAsync(IPage page) => page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });

    private static Task ShotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, name), FullPage = fullPage });

    private static Task<JsonElement> ChartAsync(IPage page, string expression) => page.EvaluateAsync<JsonElement>(expression);

    [Fact]
    public async Task CreatorJourney_OverviewToLiveCampaignRangeAndDarkMode_FiguresFollowTheApiWithoutReload()
    {
        // Arrange: a creator with a campaign, signed in
        var creator = await app.CreateUserAsync(Crowdstart.Pipeline.Accounts.Roles.Creator, app.Database.OrganisationId);
        var (campaign, key) = await app.CreateCampaignAsync(name: "Journey lamp");
        var page = await SignedInPageAsync(creator);

        // Overview → campaign
        await page.GotoAsync("/");
        await InteractiveAsync(page);
        var card = page.GetByTestId("campaign-card").Filter(new() { HasText = "Journey lamp" });
        await Assertions.Expect(card).ToContainTextAsync("€0");
        await card.ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-name")).ToHaveTextAsync("Journey lamp", new() { Timeout = Timeout });
        await InteractiveAsync(page);
        await page.Locator("#campaign-revenue[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("kpi-pledged-total")).ToHaveTextAsync("€0");
        await Assertions.Expect(page.GetByTestId("feed-empty")).ToBeVisibleAsync();
        var waiting = page.GetByTestId("waiting-first-event");
        await Assertions.Expect(waiting.GetByTestId("snippet").First).ToContainTextAsync(campaign.ToString());
        await Assertions.Expect(waiting.GetByTestId("snippet").First).ToContainTextAsync("<your ingest key>");
        await page.EvaluateAsync("() => { window.__revenueChart = ApexCharts.getChartByID('campaign-revenue'); }");
        var navigations = 0;
        page.FrameNavigated += (_, _) => navigations++;

        // Act: the campaign page sends a small launch through the ingest API
        (await app.PostEventsAsync(key, new[]
        {
            Event(campaign, "page_view", "j-1"), Event(campaign, "page_view", "j-2"), Event(campaign, "page_view", "j-3", source: "direct"),
            Event(campaign, "reward_view", "j-1"), Event(campaign, "cart_created", "j-1"), Event(campaign, "checkout_started", "j-1"),
            Event(campaign, "pledge_completed", "j-1", 120m), Event(campaign, "pledge_completed", "j-2", 35.5m),
        })).EnsureSuccessStatusCode();

        // Assert: header, tiles, funnel, sources, feed and charts change in place
        await Assertions.Expect(page.GetByTestId("kpi-pledged-total")).ToHaveTextAsync("€155.50", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("waiting-first-event")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("kpi-pledges")).ToHaveTextAsync("2");
        await Assertions.Expect(page.GetByTestId("kpi-revenue-hour")).ToHaveTextAsync("€155.50");
        await Assertions.Expect(page.GetByTestId("funnel-step-customers").First).ToHaveTextAsync("3");
        await Assertions.Expect(page.GetByTestId("feed-row")).ToHaveCountAsync(8);
        await Assertions.Expect(page.GetByTestId("source-row").First).ToContainTextAsync("Reddit");
        // A chart out of view is drawn when it comes into view.
        await page.Locator("#campaign-revenue").ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync(
            "() => ApexCharts.getChartByID('campaign-revenue')?.w.config.series[0].data.reduce((s, p) => s + p[1], 0) === 155.5",
            null, new() { Timeout = Timeout });
        Assert.True((await ChartAsync(page, "() => ApexCharts.getChartByID('campaign-revenue') === window.__revenueChart")).GetBoolean(),
            "the revenue chart was updated, not re-created");
        var cumulative = await ChartAsync(page, "() => { const d = ApexCharts.getChartByID('campaign-revenue')?.w.config.series[1].data; return d[d.length - 1][1]; }");
        Assert.Equal(155.5, cumulative.GetDouble(), 3);
        // The per-interval axis reads from €0 to a round top, not from the data's own €155.50 (−€45, €6, €56, …).
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('#campaign-revenue .apexcharts-yaxis')[0].querySelectorAll('.apexcharts-yaxis-label')]" +
            ".some(t => (t.querySelector('tspan') ?? t).textContent.trim() === '€200')", null, new() { Timeout = Timeout });
        var perInterval = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('#campaign-revenue .apexcharts-yaxis')[0].querySelectorAll('.apexcharts-yaxis-label')]" +
            ".map(t => (t.querySelector('tspan') ?? t).textContent.trim()).filter(t => t !== '')");
        Assert.Equal("€0", perInterval.OrderBy(t => decimal.Parse(t.TrimStart('€'), System.Globalization.CultureInfo.InvariantCulture)).First());
        Assert.Equal(perInterval.Length, perInterval.Distinct().Count());
        Assert.Equal(0, navigations);
        await Assertions.Expect(page.GetByTestId("live-indicator")).ToContainTextAsync("Live");
        await ShotAsync(page, "campaign-desktop.png");

        // Act: switch the time range
        await page.GetByTestId("range-6h").ClickAsync();

        // Assert: the range is in the URL and highlighted; the campaign launched 30 min ago, so the revenue chart starts
        // at its launch (a bar a minute, not six hours of them) and says so; same totals
        await ArrivedAsync(page, "range=6h");
        await Assertions.Expect(page.GetByTestId("range-6h")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.GetByTestId("range-6h")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-button-filled"));
        await Assertions.Expect(page.GetByTestId("range-live")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-button-filled"));
        await Assertions.Expect(page.GetByTestId("revenue-range")).ToContainTextAsync("since launch");
        await page.Locator("#campaign-revenue").ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync("() => { const n = ApexCharts.getChartByID('campaign-revenue')?.w.config.series[0].data.length; return n >= 30 && n <= 40; }",
            null, new() { Timeout = Timeout });
        var sixHours = await ChartAsync(page, "() => ApexCharts.getChartByID('campaign-revenue')?.w.config.series[0].data.reduce((s, p) => s + p[1], 0)");
        Assert.Equal(155.5, sixHours.GetDouble(), 3);

        // Act: dark mode off, then a fresh page
        await Assertions.Expect(page.Locator(".mud-layout")).ToHaveAttributeAsync("data-theme", "dark");
        await page.GetByTestId("dark-mode-toggle").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-layout")).ToHaveAttributeAsync("data-theme", "light");
        await page.ReloadAsync();

        // Assert: the choice is the user's, kept across pages
        await Assertions.Expect(page.Locator(".mud-layout")).ToHaveAttributeAsync("data-theme", "light", new() { Timeout = Timeout });
        await InteractiveAsync(page);
        await page.Locator("#campaign-revenue[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        await ShotAsync(page, "campaign-desktop-light.png");

        // Phone width: same figures, one column
        var phone = await SignedInPageAsync(creator, 390, 844);
        await phone.GotoAsync($"/campaigns/{campaign}");
        await InteractiveAsync(phone);
        await Assertions.Expect(phone.GetByTestId("kpi-pledged-total")).ToHaveTextAsync("€155.50", new() { Timeout = Timeout });
        await phone.Locator("#campaign-revenue[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        var overflow = await ChartAsync(phone, "() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow.GetInt32() <= 0, $"the page scrolls sideways by {overflow.GetInt32()} px at phone width");
        await ShotAsync(phone, "campaign-phone.png", fullPage: false);
        await ShotAsync(phone, "campaign-phone-full.png");
        await phone.GotoAsync("/");
        await InteractiveAsync(phone);
        await ShotAsync(phone, "campaigns-phone.png", fullPage: false);
        await phone.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CampaignPage_ConnectionDropsAndComesBack_IndicatorShowsItAndFiguresCatchUp()
    {
        // Arrange: a page whose WebSockets the test can cut
        var creator = await app.CreateUserAsync(Crowdstart.Pipeline.Accounts.Roles.Creator, app.Database.OrganisationId);
        var (campaign, key) = await app.CreateCampaignAsync(name: "Reconnect lamp");
        var page = await SignedInPageAsync(creator);
        await page.AddInitScriptAsync("""
            (() => {
              const Native = window.WebSocket;
              window.__sockets = [];
              window.__blockSockets = false;
              function Tracked(url, protocols) {
                if (window.__blockSockets) throw new DOMException('blocked by the test', 'NetworkError');
                const socket = new Native(url, protocols);
                window.__sockets.push(socket);
                return socket;
              }
              Tracked.prototype = Native.prototype;
              Object.assign(Tracked, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
              window.WebSocket = Tracked;
            })();
            """);
        await page.GotoAsync($"/campaigns/{campaign}");
        await InteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("kpi-pledged-total")).ToHaveTextAsync("€0", new() { Timeout = Timeout });

        // Act: the connection drops and cannot come back yet (no new sockets, no long polling)
        await page.RouteAsync("**/_blazor/**", route => route.AbortAsync());
        await page.EvaluateAsync("() => { window.__blockSockets = true; window.__sockets.forEach(s => s.close()); }");

        // Assert: the indicator says so, the page stays readable
        await Assertions.Expect(page.GetByTestId("live-indicator")).ToContainTextAsync("Reconnecting", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("kpi-pledged-total")).ToBeVisibleAsync();
        await ShotAsync(page, "campaign-reconnecting.png", fullPage: false);

        // Act: events arrive meanwhile, then the network comes back
        (await app.PostEventsAsync(key, new[] { Event(campaign, "page_view", "r-1"), Event(campaign, "pledge_completed", "r-1", 42m) })).EnsureSuccessStatusCode();
        await app.WaitForPipelineAsync();
        await page.UnrouteAsync("**/_blazor/**");
        await page.EvaluateAsync("() => { window.__blockSockets = false; }");

        // Assert: back to live, and the figures caught up without a reload
        await Assertions.Expect(page.GetByTestId("live-indicator")).ToContainTextAsync("Live", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("kpi-pledged-total")).ToHaveTextAsync("€42", new() { Timeout = Timeout });
        Assert.True((await ChartAsync(page, "() => performance.getEntriesByType('navigation').length === 1")).GetBoolean());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CampaignsPage_ListsCampaignsWithTheirPledgedTotalAndConversion()
    {
        var creator = await app.CreateUserAsync(Crowdstart.Pipeline.Accounts.Roles.Creator, app.Database.OrganisationId);
        var (campaign, key) = await app.CreateCampaignAsync(name: "Overview test backpack");
        (await app.PostEventsAsync(key, new[] { Event(campaign, "page_view", "c-7"), Event(campaign, "pledge_completed", "c-7", 80m) })).EnsureSuccessStatusCode();
        await app.WaitForPipelineAsync();
        var page = await SignedInPageAsync(creator);

        await page.GotoAsync("/");
        await InteractiveAsync(page);

        var card = page.GetByTestId("campaign-card").Filter(new() { HasText = "Overview test backpack" });
        await Assertions.Expect(card.GetByTestId("card-pledged")).ToHaveTextAsync("€80");
        await Assertions.Expect(card.GetByTestId("card-conversion")).ToHaveTextAsync("100 %");
        await Assertions.Expect(card.GetByTestId("card-live")).ToHaveAttributeAsync("aria-label", "active");
        await ShotAsync(page, "campaigns.png");
        await card.ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-name")).ToHaveTextAsync("Overview test backpack");
        await page.Context.CloseAsync();
    }
}
