using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Forecast;

/// <summary>The forecast on the real app in Chromium: computed from finished campaigns as the pipeline commits, shown live.</summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public sealed class ForecastBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private static readonly TimeSpan Duration = TimeSpan.FromDays(10);

    /// <summary>€10 pledges to <paramref name="final"/> × a €1,000 goal: a third of them in the first tenth of the time, the rest evenly after.</summary>
    private static IEnumerable<EventRecord> Pledges(Guid campaign, DateTimeOffset launch, double final, DateTimeOffset until)
    {
        var count = (int)Math.Round(final * 100);
        for (var i = 0; i < count; i++)
        {
            var x = i < count / 3 ? 0.1 * i / (count / 3.0) : 0.1 + 0.9 * (i - count / 3) / (double)(count - count / 3);
            var at = launch + Duration * x + TimeSpan.FromSeconds(30);
            if (at < until)
            {
                yield return EventFactory.Event(campaign, $"f{campaign:N}-{i}", EventTypes.PledgeCompleted, at, amount: 10m);
            }
        }
    }

    /// <summary>35 campaigns of another organisation, finished last month at 1.2–1.54 × their goals on the same path.</summary>
    private async Task FinishedCampaignsAsync(DateTimeOffset now)
    {
        var history = await app.CreateOrganisationAsync("Forecast history");
        var finished = new List<EventRecord>();
        for (var i = 0; i < 35; i++)
        {
            var launch = now.AddDays(-40 + i * 0.5);
            var past = await app.Database.Campaigns.CreateCampaignAsync(history, "fh-" + Guid.NewGuid().ToString("N")[..8], $"Finished {i}", "EUR", 1_000m, launch,
                endAt: launch + Duration);
            finished.AddRange(Pledges(past.Id, launch, 1.2 + 0.01 * i, now));
        }
        await app.Database.Log.AppendAsync(finished);
    }

    private static string Body(IEnumerable<EventRecord> events) => JsonSerializer.Serialize(events.Select(IngestPayload.Of));

    [Fact]
    public async Task CampaignPage_FinishedCampaignsOnThePlatform_ShowsLiveForecastAndOverviewShowsTheChance()
    {
        // Arrange: finished campaigns of another organisation; a creator's campaign 1 day into 10, on their path to 1.5 × its goal
        var now = DateTimeOffset.UtcNow;
        await FinishedCampaignsAsync(now);
        var org = await app.CreateOrganisationAsync("Forecast org");
        var runningLaunch = now.AddDays(-1).AddMinutes(-5);
        var campaign = await app.Database.Campaigns.CreateCampaignAsync(org, "fc-" + Guid.NewGuid().ToString("N")[..8], "Forecast lamp", "EUR", 1_000m,
            runningLaunch, endAt: runningLaunch + Duration);
        var key = await app.Database.Campaigns.CreateIngestKeyAsync(campaign.Id, "forecast test");
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 1100 },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, await app.CreateUserAsync(Roles.Creator, org));
        await page.GotoAsync($"campaigns/{campaign.Id}");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });

        // Act: the campaign's pledges so far arrive through the ingest API
        (await app.PostEventsAsync(key, Body(Pledges(campaign.Id, runningLaunch, 1.5, now)))).EnsureSuccessStatusCode();

        // Assert: the panel fills in without a reload, from the 25 nearest finished campaigns
        await Assertions.Expect(page.GetByTestId("forecast-projected")).ToContainTextAsync("€1,", new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByTestId("forecast-status")).ToHaveTextAsync("On track");
        await Assertions.Expect(page.GetByTestId("forecast-chance")).ToContainTextAsync("%");
        await Assertions.Expect(page.GetByTestId("forecast-explanation")).ToContainTextAsync("25 finished campaigns");
        var projected = decimal.Parse((await page.GetByTestId("forecast-projected").InnerTextAsync()).Trim('€').Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(projected, 1_400m, 1_600m);
        await page.GetByTestId("forecast-panel").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "forecast-panel.png") });
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("campaign-card").Filter(new() { HasText = "Forecast lamp" }).GetByTestId("card-chance"))
            .ToContainTextAsync("%", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task CampaignPage_ForecastShortOfTheGoal_RecommendsThePaceNeededAndADismissalSticks()
    {
        // Arrange: a campaign 3 days into 10 on the finished campaigns' path, but to 0.6 × its goal: at risk, and the
        // pace it needs (€101 a day) is well above its last day's (€44)
        var now = DateTimeOffset.UtcNow;
        await FinishedCampaignsAsync(now);
        var org = await app.CreateOrganisationAsync("Shortfall org");
        var launch = now.AddDays(-3).AddMinutes(-5);
        var campaign = await app.Database.Campaigns.CreateCampaignAsync(org, "fs-" + Guid.NewGuid().ToString("N")[..8], "Shortfall lamp", "EUR", 1_000m,
            launch, endAt: launch + Duration);
        var key = await app.Database.Campaigns.CreateIngestKeyAsync(campaign.Id, "shortfall test");
        (await app.PostEventsAsync(key, Body(Pledges(campaign.Id, launch, 0.6, now)))).EnsureSuccessStatusCode();
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 1100 },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, await app.CreateUserAsync(Roles.Creator, org));
        await page.GotoAsync($"campaigns/{campaign.Id}");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });

        // Act: the forecast arrives, at risk, and with it the recommendation; the creator dismisses it
        await Assertions.Expect(page.GetByTestId("forecast-status")).ToHaveTextAsync("At risk", new() { Timeout = 90_000 });
        var card = page.Locator("[data-testid=recommendation][data-rule='forecast-shortfall']");
        await Assertions.Expect(card).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.GetByTestId("recommendations-panel").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "recommendations-panel.png") });
        await card.GetByTestId("recommendation-dismiss").ClickAsync();

        // Assert: gone at once, and still gone after a reload (kept until its evidence moves)
        await Assertions.Expect(card).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("forecast-status")).ToHaveTextAsync("At risk", new() { Timeout = 30_000 });
        await Assertions.Expect(card).ToHaveCountAsync(0);
    }
}
