using Crowdstart.Dashboard.Utils;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Dashboard.Pages;

/// <summary>The campaign page's charts in the real app and Chromium: axes of an empty campaign, and the range control.</summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class CampaignChartsBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private const int Timeout = 30_000;

    /// <summary>Every non-empty tick label of a chart's value axes, per axis.</summary>
    private const string TicksScript = """
        id => [...document.querySelectorAll(`#${id} .apexcharts-yaxis`)].map(axis =>
            [...axis.querySelectorAll('.apexcharts-yaxis-label')].map(t => (t.querySelector('tspan') ?? t).textContent.trim()).filter(t => t !== ''))
        """;

    [Fact]
    public async Task CampaignPage_NoEventsYet_AxesHaveDistinctWholeTicks()
    {
        // Arrange: a campaign that has received nothing
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var (campaign, _) = await app.CreateCampaignAsync(name: "Quiet lamp");
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, creator);

        // Act
        await page.GotoAsync(DashboardUrls.Campaign(campaign));
        await ArrivedAsync(page, DashboardUrls.Campaign(campaign));
        await page.Locator("#campaign-revenue[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        await page.Locator("#campaign-carts").ScrollIntoViewIfNeededAsync();
        await page.Locator("#campaign-carts[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "campaign-empty.png"), FullPage = true });
        var revenue = await page.EvaluateAsync<string[][]>(TicksScript, "campaign-revenue");
        var carts = await page.EvaluateAsync<string[][]>(TicksScript, "campaign-carts");

        // Assert: no "0 1 1 2 2" and no €0–€2 scale
        foreach (var ticks in revenue.Concat(carts).Where(t => t.Length > 0))
        {
            Assert.Equal(ticks.Length, ticks.Distinct().Count());
        }
        Assert.Contains(carts.SelectMany(t => t), t => t == "4");
        Assert.Contains(revenue.SelectMany(t => t), t => t == "€100");
    }
}
