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

    [Fact]
    public async Task CampaignPage_FinishedCampaignsOnThePlatform_ShowsLiveForecastAndOverviewShowsTheChance()
    {
        // Arrange: 35 campaigns of another organisation finished last month; a creator's campaign 1 day into 10, on their path to 1.5 × its goal
        var now = DateTimeOffset.UtcNow;
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
        var body = Pledges(campaign.Id, runningLaunch, 1.5, now).Select(e => new Dictionary<string, object?>
        {
            ["eventId"] = e.EventId, ["type"] = e.Type, ["campaignId"] = e.CampaignId, ["customerId"] = e.CustomerId, ["sessionId"] = e.SessionId,
            ["occurredAt"] = e.OccurredAt.ToString("O"), ["source"] = e.Source, ["amount"] = e.Amount, ["currency"] = e.Currency,
        }).ToList();
        (await app.PostEventsAsync(key, JsonSerializer.Serialize(body))).EnsureSuccessStatusCode();

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
}
