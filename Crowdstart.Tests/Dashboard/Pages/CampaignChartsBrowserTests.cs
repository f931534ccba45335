using Crowdstart.Dashboard.Utils;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task CampaignPage_CampaignTimeZone_ClockAxesInItsTimeNotTheBrowsers()
    {
        // Arrange: a campaign on UTC+14 (no daylight saving), viewed from a browser on UTC, with pledges this minute
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var (campaign, key) = await app.CreateCampaignAsync(name: "Kiritimati lamp");
        await app.Services.GetRequiredService<CampaignSettings>().UpdateDetailsAsync(new Actor(creator.Id, creator.Email, false), campaign,
            new CampaignDetails("Kiritimati lamp", 10_000m, null, "Pacific/Kiritimati"));
        var at = DateTimeOffset.UtcNow.AddSeconds(-5);
        (await app.PostEventsAsync(key, new[]
        {
            new { eventId = Guid.NewGuid(), type = "page_view", campaignId = campaign, customerId = "k-1", sessionId = "s-k1", occurredAt = at.ToString("O"), source = "direct",
                amount = (decimal?)null, currency = (string?)null },
            new { eventId = Guid.NewGuid(), type = "pledge_completed", campaignId = campaign, customerId = "k-1", sessionId = "s-k1", occurredAt = at.ToString("O"), source = "direct",
                amount = (decimal?)49m, currency = (string?)"EUR" },
        })).EnsureSuccessStatusCode();
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            TimezoneId = "UTC",
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, creator);

        // Act
        await page.GotoAsync(DashboardUrls.Campaign(campaign));
        await ArrivedAsync(page, DashboardUrls.Campaign(campaign));
        await page.Locator("#campaign-revenue[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        await page.WaitForFunctionAsync("() => ApexCharts.getChartByID('campaign-revenue')?.w.config.series[0].data.length > 0", null,
            new() { Timeout = Timeout });
        var labels = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('#campaign-revenue .apexcharts-xaxis-label')].map(t => (t.querySelector('tspan') ?? t).textContent.trim())");

        // Assert: every clock label is Kiritimati's time (UTC+14) within the live range's 15 minutes, none the browser's
        var clocks = labels.Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d{2}:\d{2}(:\d{2})?$")).ToList();
        Assert.True(clocks.Count > 0, $"no clock labels among: {string.Join(" | ", labels)}");
        var kiritimati = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(14));
        foreach (var clock in clocks)
        {
            var shown = TimeSpan.ParseExact(clock[..5], "hh\\:mm", System.Globalization.CultureInfo.InvariantCulture);
            var behind = (kiritimati.TimeOfDay - shown).TotalMinutes;
            behind = (behind % 1440 + 1440) % 1440;
            Assert.True(behind <= 20, $"the axis shows {clock}, Kiritimati's clock is {kiritimati:HH:mm} (labels: {string.Join(", ", labels)})");
        }
    }
}
