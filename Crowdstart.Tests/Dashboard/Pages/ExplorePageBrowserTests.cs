using System.Globalization;
using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Dashboard.Pages;

/// <summary>The explorer in the real app and real Chromium: build a query, read the table and chart, export CSV, share the link.</summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class ExplorePageBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private const int Timeout = 30_000;

    private static object Pledge(Guid campaign, string customer, decimal amount, string source, string reward) => new
    {
        eventId = Guid.NewGuid(), type = "pledge_completed", campaignId = campaign, customerId = customer, sessionId = "s-" + customer,
        occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"), source, amount, currency = "EUR", properties = new { reward },
    };

    /// <summary>Picks <paramref name="options"/> in a MudSelect (multi or single) and closes it.</summary>
    private static async Task PickAsync(IPage page, string testId, params string[] options)
    {
        await page.GetByTestId(testId).ClickAsync();
        foreach (var option in options)
        {
            await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^\\s*{System.Text.RegularExpressions.Regex.Escape(option)}\\s*$") })
                .ClickAsync(new() { Timeout = Timeout });
        }
        // Close it (a single select closes by itself); Escape, else a click beside it, as a person would.
        var items = page.Locator(".mud-popover-open .mud-list-item");
        for (var attempt = 0; attempt < 5 && await items.CountAsync() > 0; attempt++)
        {
            await page.Keyboard.PressAsync("Escape");
            await page.WaitForTimeoutAsync(300);
            if (await items.CountAsync() > 0)
            {
                await page.Mouse.ClickAsync(5, 300);
                await page.WaitForTimeoutAsync(300);
            }
        }
        await Assertions.Expect(items).ToHaveCountAsync(0, new() { Timeout = Timeout });
    }

    [Fact]
    public async Task BuildAndRunQuery_PledgesByNetworkAndReward_TableChartCsvAndSharedLinkAgree()
    {
        // Arrange: an organisation of its own (so its campaign is the only one listed) with a small launch
        var organisation = await app.CreateOrganisationAsync("Explorer org");
        var creator = await app.CreateUserAsync(Roles.Creator, organisation);
        var (campaign, key) = await app.CreateCampaignAsync(name: "Explorer lamp", organisationId: organisation);
        (await app.PostEventsAsync(key, new[]
        {
            Pledge(campaign, "x-1", 10m, "social:reddit", "early_bird"),
            Pledge(campaign, "x-2", 20m, "social:reddit", "early_bird"),
            Pledge(campaign, "x-3", 100m, "social:reddit", "standard"),
            Pledge(campaign, "x-4", 30m, "social:twitter", "early_bird"),
            new { eventId = Guid.NewGuid(), type = "page_view", campaignId = campaign, customerId = "x-5", sessionId = "s-x-5",
                  occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"), source = "social:reddit", amount = (decimal?)null, currency = (string?)null, properties = new { reward = "early_bird" } },
        })).EnsureSuccessStatusCode();
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, creator);

        // Act: build the query with the controls and run it
        await page.GotoAsync("/");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });
        await page.GetByTestId("nav-explore").ClickAsync();
        await ArrivedAsync(page, "/explore");
        await Assertions.Expect(page.GetByTestId("q-start")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await PickAsync(page, "q-types", "Pledge");
        await PickAsync(page, "q-group", "Event"); // unselect the default grouping by event type
        await PickAsync(page, "q-group", "Network", "reward (property)");
        await PickAsync(page, "q-measures", "Amount");
        await page.GetByTestId("q-run").ClickAsync();

        // Assert: the URL holds the query, the table and the chart show the answer
        await Assertions.Expect(page.GetByTestId("q-row-count")).ToHaveTextAsync("3 rows", new() { Timeout = Timeout });
        Assert.Contains("/explore?q=", page.Url);
        // The app runs on the PostgreSQL log, which the explorer reads itself: nothing acknowledged is missing.
        await Assertions.Expect(page.GetByTestId("q-freshness")).ToContainTextAsync("Includes every event received so far.");
        var table = page.GetByTestId("q-table");
        await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(table.Locator("tbody tr").First).ToContainTextAsync("reddit");
        await Assertions.Expect(table.Locator("tbody tr").First).ToContainTextAsync("early_bird");
        await Assertions.Expect(table.Locator("tbody tr").First).ToContainTextAsync("€30.00");
        var chart = page.GetByTestId("q-chart");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-chart-kind", "bar");
        await chart.Locator(".cs-chart[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        var chartId = await chart.Locator(".cs-chart").GetAttributeAsync("id");
        var bars = await page.EvaluateAsync<JsonElement>($"() => ApexCharts.getChartByID('{chartId}').w.config.series[0].data");
        Assert.Equal([2.0, 1.0, 1.0], bars.EnumerateArray().Select(v => v.GetDouble()));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "explore-desktop.png"), FullPage = true });

        // Export: the CSV holds the same rows, raw values
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("q-export").ClickAsync());
        var csv = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = csv[0].Split(',').ToList();
        // Headers in words, as the table has them.
        Assert.Equal(["Network", "reward"], header.Take(2));
        Assert.Equal(4, csv.Length);
        var rows = csv.Skip(1).Select(line => line.Split(',')).Select(cells =>
            $"{cells[0]}|{cells[1]}|{cells[header.IndexOf("Events")]}|{decimal.Parse(cells[header.IndexOf("Amount (EUR)")], CultureInfo.InvariantCulture):0.##}").ToList();
        Assert.Equal(["reddit|early_bird|2|30", "reddit|standard|1|100", "twitter|early_bird|1|30"], rows);
        Assert.EndsWith(".csv", download.SuggestedFilename);

        // The link is the query: opening it runs it again, and it is listed among the recent queries
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("q-row-count")).ToHaveTextAsync("3 rows", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("recent-query").First).ToContainTextAsync("by Network × reward (property) · Pledge", new() { Timeout = Timeout });
        await context.CloseAsync();
    }

    [Fact]
    public async Task RunQuery_InvalidFilter_ShowsTheFieldAndReason()
    {
        var organisation = await app.CreateOrganisationAsync("Explorer errors org");
        var creator = await app.CreateUserAsync(Roles.Creator, organisation);
        await app.CreateCampaignAsync(name: "Explorer errors lamp", organisationId: organisation);
        var context = await NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, creator);
        await page.GotoAsync("/explore");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });

        // Amount compared with text
        await page.GetByTestId("q-add-filter").ClickAsync();
        await PickAsync(page, "q-filter-field", "Amount");
        await PickAsync(page, "q-filter-op", ">");
        await page.GetByTestId("q-filter-values").FillAsync("lots");
        await page.GetByTestId("q-filter-values").PressAsync("Tab");
        await page.GetByTestId("q-run").ClickAsync();

        await Assertions.Expect(page.GetByTestId("q-error")).ToContainTextAsync("Filter 1 value: must be a number", new() { Timeout = Timeout });
        await context.CloseAsync();
    }
}
