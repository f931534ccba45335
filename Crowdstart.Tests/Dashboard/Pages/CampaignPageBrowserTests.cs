using System.Text.Json;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Dashboard.Pages;

/// <summary>The real app in real Chromium: events posted to the API show up on the open page, live.</summary>
[Collection(AppCollection.Name)]
public class CampaignPageBrowserTests(AppFixture app, BrowserFixture browser)
{
    private static object Event(Guid campaign, string type, string customer, decimal? amount = null) => amount is null
        ? new { eventId = Guid.NewGuid(), type, campaignId = campaign, customerId = customer, sessionId = "s-" + customer, occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "social:reddit" }
        : new { eventId = Guid.NewGuid(), type, campaignId = campaign, customerId = customer, sessionId = "s-" + customer, occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "direct", amount = amount.Value, currency = "EUR" } as object;

    private async Task<IPage> OpenAsync(string path)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, await app.CreateUserAsync(Crowdstart.Pipeline.Accounts.Roles.Creator, app.Database.OrganisationId));
        await page.GotoAsync(path);
        // Wait for the Blazor circuit: only then do live updates reach the page.
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
        return page;
    }

    [Fact]
    public async Task CampaignPage_EventsPosted_ChartAndFiguresUpdateLiveWithoutReload()
    {
        var (campaign, key) = await app.CreateCampaignAsync(name: "Browser test lamp");
        var page = await OpenAsync($"campaigns/{campaign}");
        await page.Locator("#campaign-activity[data-chart-ready='true']").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("kpi-events-hour")).ToHaveTextAsync("0");
        var navigations = 0;
        page.FrameNavigated += (_, _) => navigations++;

        var response = await app.PostEventsAsync(key, new[]
        {
            Event(campaign, "page_view", "c-1"), Event(campaign, "page_view", "c-2"), Event(campaign, "page_view", "c-3"),
            Event(campaign, "reward_view", "c-1"), Event(campaign, "pledge_completed", "c-1", 120m),
            Event(campaign, "pledge_completed", "c-2", 35.5m),
        });
        response.EnsureSuccessStatusCode();

        await Assertions.Expect(page.GetByTestId("kpi-events-hour")).ToHaveTextAsync("6", new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("kpi-pledges-hour")).ToHaveTextAsync("2");
        await Assertions.Expect(page.GetByTestId("kpi-revenue-hour")).ToHaveTextAsync("€155.50");
        await Assertions.Expect(page.GetByTestId("kpi-pledged-total")).ToHaveTextAsync("€155.50");
        // The chart itself was updated in place: its series now hold the new events.
        await page.WaitForFunctionAsync(
            "() => ApexCharts.getChartByID('campaign-activity').w.config.series[0].data.reduce((s, p) => s + p[1], 0) === 6",
            null, new() { Timeout = 15_000 });
        var revenue = await page.EvaluateAsync<JsonElement>(
            "() => ApexCharts.getChartByID('campaign-activity').w.config.series[1].data.reduce((s, p) => s + p[1], 0)");
        Assert.Equal(155.5, revenue.GetDouble(), 3);
        Assert.Equal(0, navigations);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "campaign-live.png"), FullPage = true });
    }

    [Fact]
    public async Task CampaignsPage_ListsCampaignsWithTheirPledgedTotal()
    {
        var (campaign, key) = await app.CreateCampaignAsync(name: "Overview test backpack");
        (await app.PostEventsAsync(key, new[] { Event(campaign, "pledge_completed", "c-7", 80m) })).EnsureSuccessStatusCode();
        await app.WaitForPipelineAsync();

        var page = await OpenAsync("/");

        var card = page.GetByTestId("campaign-card").Filter(new() { HasText = "Overview test backpack" });
        await Assertions.Expect(card).ToContainTextAsync("€80");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "campaigns.png"), FullPage = true });
        await card.ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-name")).ToHaveTextAsync("Overview test backpack");
    }
}
