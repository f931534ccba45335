using System.Text.Json;
using Crowdstart.Dashboard.Utils;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Dashboard.Pages;

/// <summary>
/// Automated accessibility checks of the main pages in the real app and real Chromium, in light and dark mode: axe-core
/// (from npm, installed by the build's <c>npm ci</c>) injected into each page for colour contrast, and a keyboard walk
/// for focus: every button reached by Tab must look different when focused (outline or box shadow), since axe has no
/// rule for a visible focus ring.
/// </summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class AccessibilityBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private const int Timeout = 30_000;

    /// <summary>Buttons of toolbars, the range selector, the app bar and cards: what must show where keyboard focus is.</summary>
    private const string Buttons = "a.mud-button-root, button.mud-button-root, .mud-icon-button";

    private static readonly Lazy<string> Axe = new(() => RepositoryFiles.Read("Crowdstart.Dashboard/node_modules/axe-core/axe.min.js"));

    private const string ContrastScript = """
        async () => {
            const result = await axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] }, resultTypes: ['violations'] });
            return result.violations.flatMap(v => v.nodes.map(n => `${n.target.join(' ')} (${n.any.map(a => a.message).join('; ')})`));
        }
        """;

    private const string StylesScript = """
        selector => [...document.querySelectorAll(selector)].map(el => {
            const s = getComputedStyle(el);
            return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`;
        })
        """;

    private const string FocusedScript = """
        selector => {
            const el = document.activeElement;
            const index = [...document.querySelectorAll(selector)].indexOf(el);
            if (index < 0) return null;
            const s = getComputedStyle(el);
            const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== 'none';
            return { index, ring, style: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`,
                name: (el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.textContent.trim()).slice(0, 40) };
        }
        """;

    private async Task<(IPage Page, Guid Campaign)> PreparedAsync(bool dark)
    {
        var admin = await app.CreateUserAsync(Roles.Admin, null);
        var (campaign, key) = await app.CreateCampaignAsync(name: "Contrast lamp");
        (await app.PostEventsAsync(key, new[]
        {
            Event(campaign, "page_view", "a-1"), Event(campaign, "page_view", "a-2"), Event(campaign, "cart_created", "a-1"),
            Event(campaign, "checkout_started", "a-1"), Event(campaign, "pledge_completed", "a-1", 80m),
        })).EnsureSuccessStatusCode();
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            // axe is injected as a script of the test's own; the app's Content-Security-Policy (nonces) would refuse it.
            BypassCSP = true,
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, admin);
        await page.GotoAsync("/");
        await ArrivedAsync(page, "/");
        if (await page.Locator(".mud-layout").GetAttributeAsync("data-theme") != (dark ? "dark" : "light"))
        {
            await page.GetByTestId("dark-mode-toggle").ClickAsync();
            await Assertions.Expect(page.Locator(".mud-layout")).ToHaveAttributeAsync("data-theme", dark ? "dark" : "light");
        }
        return (page, campaign);
    }

    private static object Event(Guid campaign, string type, string customer, decimal? amount = null) => amount is null
        ? new { eventId = Guid.NewGuid(), type, campaignId = campaign, customerId = customer, sessionId = "s-" + customer, occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "direct" }
        : new { eventId = Guid.NewGuid(), type, campaignId = campaign, customerId = customer, sessionId = "s-" + customer, occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "direct", amount = amount.Value, currency = "EUR" } as object;

    private static IEnumerable<string> MainPages(Guid campaign) =>
    [
        DashboardUrls.HomePath, DashboardUrls.Campaign(campaign), DashboardUrls.Campaign(campaign) + "?range=24h", DashboardUrls.ExplorePath,
        DashboardUrls.CampaignKeys(campaign), DashboardUrls.CampaignAlerts(campaign), DashboardUrls.AdminAccessPath,
    ];

    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await ArrivedAsync(page, path.Split('?')[0]);
        if (path.StartsWith("/campaigns/", StringComparison.Ordinal) && !path.Contains("/keys", StringComparison.Ordinal) && !path.Contains("/alerts", StringComparison.Ordinal))
        {
            await Assertions.Expect(page.GetByTestId("kpi-pledged-total")).ToHaveTextAsync("€80", new() { Timeout = Timeout });
            await page.Locator("#campaign-revenue[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        }
        // Skeletons and MudBlazor's own transitions settled.
        await page.WaitForTimeoutAsync(500);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MainPages_AxeColourContrast_NoViolations(bool dark)
    {
        // Arrange
        var (page, campaign) = await PreparedAsync(dark);
        var found = new List<string>();

        // Act
        foreach (var path in MainPages(campaign))
        {
            await OpenAsync(page, path);
            await page.AddScriptTagAsync(new() { Content = Axe.Value });
            var violations = await page.EvaluateAsync<string[]>(ContrastScript);
            found.AddRange(violations.Select(v => $"{path}: {v}"));
            await page.ScreenshotAsync(new()
            {
                Path = Path.Combine(BrowserFixture.ArtifactsDirectory,
                    $"a11y-{(dark ? "dark" : "light")}-{path.Replace(campaign.ToString(), "campaign").Trim('/').Replace('/', '-').Replace('?', '-').Replace('=', '-') switch { "" => "home", var p => p }}.png"),
                FullPage = true,
            });
        }

        // Assert
        Assert.True(found.Count == 0, $"{found.Count} colour-contrast violations ({(dark ? "dark" : "light")} mode):\n{string.Join("\n", found)}");
    }

    private const string OverlapsScript = """
        () => {
            const boxes = [...document.querySelectorAll('#campaign-funnel .apexcharts-yaxis-texts-g text, #campaign-funnel .apexcharts-xaxis-texts-g text')]
                .filter(t => t.textContent.trim() !== '').map(t => ({ text: t.textContent.trim(), r: t.getBoundingClientRect() }));
            const hits = [];
            for (let i = 0; i < boxes.length; i++)
                for (let j = i + 1; j < boxes.length; j++) {
                    const a = boxes[i].r, b = boxes[j].r;
                    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) hits.push(`${boxes[i].text} / ${boxes[j].text}`);
                }
            return { labels: boxes.length, hits };
        }
        """;

    private const string FunnelTableScript = """
        () => {
            const t = document.querySelector('.cs-funnel-table');
            return { overflow: getComputedStyle(t).overflowX,
                     inside: t.getBoundingClientRect().right <= t.closest('.mud-paper').getBoundingClientRect().right + 0.5,
                     page: document.documentElement.scrollWidth - document.documentElement.clientWidth };
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CampaignPage_PhoneWidth_FunnelLabelsApartTableScrollsInItsCard(bool dark)
    {
        // Arrange: a campaign with four-digit funnel counts, on a 390 px wide phone
        var (page, campaign) = await PreparedAsync(dark);
        var key = await app.Database.Campaigns.CreateIngestKeyAsync(campaign, "phone");
        foreach (var batch in Enumerable.Range(0, 1500).Select(i => Event(campaign, "page_view", $"p-{i}"))
            .Concat(Enumerable.Range(0, 700).Select(i => Event(campaign, "reward_view", $"p-{i}"))).Chunk(250))
        {
            (await app.PostEventsAsync(key, batch)).EnsureSuccessStatusCode();
        }
        await page.SetViewportSizeAsync(390, 844);
        var found = new List<string>();

        foreach (var range in new[] { "", "?range=24h" })
        {
            // Act
            await page.GotoAsync(DashboardUrls.Campaign(campaign) + range);
            await ArrivedAsync(page, DashboardUrls.Campaign(campaign));
            await Assertions.Expect(page.GetByTestId("funnel-step-customers").First).ToHaveTextAsync("1,502", new() { Timeout = Timeout });
            var shot = $"campaign-phone-{(dark ? "dark" : "light")}-{(range == "" ? "live" : "24h")}";
            await page.Locator("#campaign-revenue[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, shot + "-top.png") });
            await page.Locator("#campaign-revenue").ScrollIntoViewIfNeededAsync();
            await page.WaitForTimeoutAsync(1500);
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, shot + "-revenue.png") });
            await page.Locator("#campaign-funnel").ScrollIntoViewIfNeededAsync();
            await page.WaitForFunctionAsync("() => ApexCharts.getChartByID('campaign-funnel')?.w.config.series[0].data[0] === 1502", null, new() { Timeout = Timeout });
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, shot + "-funnel.png") });
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, shot + ".png"), FullPage = true });
            // Colour contrast at phone width too, with the alert banner when the burst above has opened an alert by now.
            await page.AddScriptTagAsync(new() { Content = Axe.Value });
            found.AddRange((await page.EvaluateAsync<string[]>(ContrastScript)).Select(v => $"{shot}: {v}"));
            var overlaps = await page.EvaluateAsync<JsonElement>(OverlapsScript);
            var table = await page.EvaluateAsync<JsonElement>(FunnelTableScript);

            // Assert (collected, so both ranges are shot)
            Assert.True(overlaps.GetProperty("labels").GetInt32() >= 5, "the funnel chart shows its step labels");
            found.AddRange(overlaps.GetProperty("hits").EnumerateArray().Select(h => $"{shot}: funnel labels overlap: {h.GetString()}"));
            if (table.GetProperty("overflow").GetString() is not ("auto" or "scroll") || !table.GetProperty("inside").GetBoolean())
            {
                found.Add($"{shot}: the funnel table does not scroll inside its card ({table})");
            }
            if (table.GetProperty("page").GetInt32() > 0)
            {
                found.Add($"{shot}: the page scrolls sideways by {table.GetProperty("page").GetInt32()} px");
            }
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MainPages_TabThroughButtons_EachFocusedButtonShowsARing(bool dark)
    {
        // Arrange
        var (page, campaign) = await PreparedAsync(dark);
        var missing = new List<string>();
        var reachedRange = new HashSet<string>();

        foreach (var path in MainPages(campaign))
        {
            await OpenAsync(page, path);
            await page.EvaluateAsync("() => document.activeElement && document.activeElement.blur()");
            var unfocused = await page.EvaluateAsync<string[]>(StylesScript, Buttons);

            // Act: the keyboard walk, from the top of the page
            var seen = new HashSet<int>();
            for (var i = 0; i < 150 && seen.Count < unfocused.Length; i++)
            {
                await page.Keyboard.PressAsync("Tab");
                var focused = await page.EvaluateAsync<JsonElement>(FocusedScript, Buttons);
                if (focused.ValueKind != JsonValueKind.Object || !seen.Add(focused.GetProperty("index").GetInt32()))
                {
                    continue;
                }
                var index = focused.GetProperty("index").GetInt32();
                var name = focused.GetProperty("name").GetString();
                if (name?.StartsWith("range-", StringComparison.Ordinal) == true)
                {
                    if (reachedRange.Add(name) && name == "range-6h")
                    {
                        var box = await page.GetByTestId("range-selector").BoundingBoxAsync();
                        await page.ScreenshotAsync(new()
                        {
                            Path = Path.Combine(BrowserFixture.ArtifactsDirectory, $"focus-range-{(dark ? "dark" : "light")}.png"),
                            Clip = box is null ? null : new() { X = box.X - 8, Y = box.Y - 8, Width = box.Width + 16, Height = box.Height + 16 },
                        });
                    }
                }
                if (!focused.GetProperty("ring").GetBoolean() || focused.GetProperty("style").GetString() == unfocused[index])
                {
                    missing.Add($"{path}: '{name}' looks the same focused ({focused.GetProperty("style").GetString()})");
                }
            }
        }

        // Assert
        Assert.True(missing.Count == 0, $"buttons without a visible focus ring ({(dark ? "dark" : "light")} mode):\n{string.Join("\n", missing)}");
        Assert.Empty(new[] { "range-live", "range-1h", "range-6h", "range-24h", "range-launch" }.Except(reachedRange));
    }
}
