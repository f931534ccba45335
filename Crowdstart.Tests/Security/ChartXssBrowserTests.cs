using Crowdstart.Dashboard.Model;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Security;

/// <summary>
/// Hostile text from events and campaign names reaches the charts as series names and categories, which ApexCharts
/// writes with innerHTML (legend, tooltip). In real Chromium, through shared explorer links, no script may run and
/// no element may be created from that text; and every page must still work under the Content-Security-Policy.
/// </summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class ChartXssBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private const int Timeout = 30_000;
    private const string ImgLabel = "<img src=x onerror=alert('label')>";
    private const string SvgLabel = "<svg onload=alert('svg')><b id=planted>b</b>";
    private const string CampaignName = "Lamp <img src=x onerror=alert('campaign')>";

    // Anything that could run script, or that the labels would have created if parsed as markup: the text places hold only text.
    private const string LiveElementsScript =
        "() => document.querySelectorAll('[onerror], [onload], #planted, .apexcharts-legend-text *, .apexcharts-tooltip-title *, .apexcharts-tooltip-text-y-label *').length";

    private static object Visit(Guid campaign, string customer, string reward, int minutesAgo) => new
    {
        eventId = Guid.NewGuid(), type = EventTypes.PageView, campaignId = campaign, customerId = customer, sessionId = "s-" + customer,
        occurredAt = DateTimeOffset.UtcNow.AddMinutes(-minutesAgo).ToString("O"), source = "direct", properties = new { reward },
    };

    private async Task<(IPage Page, List<string> Dialogs, List<string> CspViolations)> OpenAsync(TestUser user)
    {
        var context = await NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        var violations = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        await AppFixture.SignInAsync(page, user);
        return (page, dialogs, violations);
    }

    private static async Task<string> ChartIdAsync(IPage page, string kind)
    {
        var chart = page.GetByTestId("q-chart");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-chart-kind", kind, new() { Timeout = Timeout });
        await chart.Locator(".cs-chart[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        return (await chart.Locator(".cs-chart").GetAttributeAsync("id"))!;
    }

    /// <summary>What the charts of two shared links show: a line chart's legend, then a bar chart's tooltip header on hover.</summary>
    private sealed record ChartText(IReadOnlyList<string> Legend, string? TooltipTitle, int LiveInLines, int LiveInBars);

    private static async Task<ChartText> OpenSharedLinksAsync(IPage page, ExplorerForm lines, ExplorerForm bars)
    {
        await page.GotoAsync("/explore?q=" + lines.Encode());
        var lineChart = await ChartIdAsync(page, "line");
        var legend = await page.Locator($"#{lineChart} .apexcharts-legend-text").AllTextContentsAsync();
        await page.Locator($"#{lineChart} .apexcharts-series path").First.HoverAsync(new() { Force = true });
        var liveInLines = await page.EvaluateAsync<int>(LiveElementsScript);
        await page.GotoAsync("/explore?q=" + bars.Encode());
        var barChart = await ChartIdAsync(page, "bar");
        await page.Locator($"#{barChart} .apexcharts-bar-area").First.HoverAsync();
        await page.Locator($"#{barChart} .apexcharts-tooltip.apexcharts-active").WaitForAsync(new() { Timeout = Timeout });
        var tooltipTitle = await page.Locator($"#{barChart} .apexcharts-tooltip-title").TextContentAsync();
        return new ChartText(legend, tooltipTitle, liveInLines, await page.EvaluateAsync<int>(LiveElementsScript));
    }

    [Fact]
    public async Task SharedExplorerLinks_HostileLabelsInLegendAndTooltips_ShownAsTextAndNoScriptRuns()
    {
        // Arrange: a campaign whose visitors carry hostile property values
        var organisation = await app.CreateOrganisationAsync("XSS labels org");
        var creator = await app.CreateUserAsync(Roles.Creator, organisation);
        var (campaign, key) = await app.CreateCampaignAsync(name: "XSS labels lamp", organisationId: organisation);
        (await app.PostEventsAsync(key, new[]
        {
            Visit(campaign, "xss-1", ImgLabel, 3), Visit(campaign, "xss-2", ImgLabel, 2), Visit(campaign, "xss-3", SvgLabel, 2),
        })).EnsureSuccessStatusCode();
        var (page, dialogs, violations) = await OpenAsync(creator);

        // Act: open the shared links, as a person who was sent them; hover to draw the tooltips
        var shown = await OpenSharedLinksAsync(page, new ExplorerForm { Campaigns = [campaign], GroupBy = ["hour", "property:reward"], Measures = ["count"] },
            new ExplorerForm { Campaigns = [campaign], GroupBy = ["property:reward"], Measures = ["count"] });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "xss-labels-bar.png") });

        // Assert: the labels read as the characters they are; nothing ran, nothing was created from them
        Assert.Contains(ImgLabel, shown.Legend);
        Assert.Contains(SvgLabel, shown.Legend);
        Assert.Contains(shown.TooltipTitle, new[] { ImgLabel, SvgLabel });
        Assert.Equal(0, shown.LiveInLines);
        Assert.Equal(0, shown.LiveInBars);
        Assert.Empty(dialogs);
        Assert.Empty(violations);
    }

    [Fact]
    public async Task AdminChartByCampaign_HostileCampaignName_ShownAsTextAndNoScriptRuns()
    {
        // Arrange: a campaign whose name is markup, seen by an admin grouping by campaign
        var organisation = await app.CreateOrganisationAsync("XSS names org");
        var admin = await app.CreateUserAsync(Roles.Admin, null);
        var (campaign, key) = await app.CreateCampaignAsync(name: CampaignName, organisationId: organisation);
        var (other, otherKey) = await app.CreateCampaignAsync(name: "Plain neighbour", organisationId: organisation);
        (await app.PostEventsAsync(key, new[] { Visit(campaign, "xn-1", "early_bird", 2) })).EnsureSuccessStatusCode();
        (await app.PostEventsAsync(otherKey, new[] { Visit(other, "xn-2", "early_bird", 2) })).EnsureSuccessStatusCode();
        var (page, dialogs, violations) = await OpenAsync(admin);

        // Act
        var shown = await OpenSharedLinksAsync(page, new ExplorerForm { Campaigns = [campaign, other], GroupBy = ["hour", "campaign"], Measures = ["count"] },
            new ExplorerForm { Campaigns = [campaign, other], GroupBy = ["campaign"], Measures = ["count"] });

        // Assert
        Assert.Contains(CampaignName, shown.Legend);
        Assert.Contains(shown.TooltipTitle, new[] { CampaignName, "Plain neighbour" });
        Assert.Equal(0, shown.LiveInLines);
        Assert.Equal(0, shown.LiveInBars);
        Assert.Empty(dialogs);
        Assert.Empty(violations);
    }

    [Fact]
    public async Task Pages_UnderTheContentSecurityPolicy_GoLiveAndDrawChartsWithoutViolations()
    {
        // Arrange: a campaign with some traffic
        var organisation = await app.CreateOrganisationAsync("CSP org");
        var creator = await app.CreateUserAsync(Roles.Creator, organisation);
        var (campaign, key) = await app.CreateCampaignAsync(name: "CSP lamp", organisationId: organisation);
        (await app.PostEventsAsync(key, new[] { Visit(campaign, "csp-1", "early_bird", 5), Visit(campaign, "csp-2", "standard", 3) })).EnsureSuccessStatusCode();
        var (page, dialogs, violations) = await OpenAsync(creator);

        // Act: the overview, in-app navigation, a live campaign page with its charts, the explorer and the keys page
        var response = await page.GotoAsync("/");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });
        await page.GetByTestId("nav-explore").ClickAsync();
        await ArrivedAsync(page, "/explore");
        await page.GotoAsync($"/campaigns/{campaign}");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });
        await page.Locator("#campaign-revenue[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        await page.GotoAsync("/explore?q=" + new ExplorerForm { Campaigns = [campaign], GroupBy = ["property:reward"], Measures = ["count"] }.Encode());
        await ChartIdAsync(page, "bar");
        await page.GotoAsync($"/campaigns/{campaign}/keys");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });

        // Assert: the policy is sent, and nothing the app needs was blocked by it
        var headers = await response!.AllHeadersAsync();
        Assert.Contains("script-src 'self' 'nonce-", headers["content-security-policy"]);
        Assert.DoesNotContain("unsafe-eval", headers["content-security-policy"]);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("same-origin", headers["referrer-policy"]);
        Assert.Empty(violations);
        Assert.Empty(dialogs);
    }
}
