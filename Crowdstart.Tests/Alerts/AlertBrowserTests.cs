using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Alerts;

/// <summary>A checkout outage injected through the real API shows up live on the open pages; the creator acknowledges it.</summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class AlertBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task CheckoutOutage_InjectedThroughApi_BannerAndBadgeAppearLiveAndAcknowledgeSticks()
    {
        // Arrange: a campaign launched three hours ago (lateness three hours, so replayed history counts as live),
        // a signed-in creator watching the overview.
        var org = await app.CreateOrganisationAsync("Alert org");
        var campaign = await app.Database.Campaigns.CreateCampaignAsync(org, "outage-" + Guid.NewGuid().ToString("N")[..8], "Outage lamp", "EUR", 50_000m,
            DateTimeOffset.UtcNow.AddHours(-3), allowedLatenessSeconds: 3 * 3600);
        var key = await app.Database.Campaigns.CreateIngestKeyAsync(campaign.Id, "outage test");
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, await app.CreateUserAsync(Roles.Creator, org));
        await page.GotoAsync("/");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("campaign-card").Filter(new() { HasText = "Outage lamp" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("alert-badge")).ToHaveCountAsync(0);

        // A webhook added in the browser, pointing at a receiver on loopback.
        using var receiver = new System.Net.HttpListener();
        var port = Random.Shared.Next(20_000, 60_000);
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/alerts/");
        receiver.Start();
        var deliveries = 0;
        _ = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                try
                {
                    var call = await receiver.GetContextAsync();
                    Interlocked.Increment(ref deliveries);
                    call.Response.StatusCode = 204;
                    call.Response.Close();
                }
                catch (Exception)
                {
                    return;
                }
            }
        });
        await page.GotoAsync($"campaigns/{campaign.Id}/webhooks");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByTestId("webhook-url").FillAsync($"http://127.0.0.1:{port}/alerts/");
        await page.GetByTestId("webhook-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("webhook-secret")).ToContainTextAsync("whsec_", new() { Timeout = 20_000 });
        await page.GotoAsync("/");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });

        // Act: 95 minutes of normal launch traffic up to now, the last 6 of them with 90 % of checkouts failing, posted
        // through the API. "Now" is taken here, not before the browser set-up: the detectors judge the minutes up to the
        // real clock, and a slow first page load must not leave a gap of silence after the generated traffic.
        var now = DateTimeOffset.UtcNow;
        var events = IncidentTraffic.Generate(campaign.Id, now, 60, TimeSpan.FromMinutes(95), TimeSpan.FromMinutes(6), new Conditions(CheckoutBreakage: 0.9));
        foreach (var chunk in events.Chunk(1000))
        {
            var body = chunk.Select(Crowdstart.Pipeline.Events.IngestPayload.Of);
            var response = await app.PostEventsAsync(key, JsonSerializer.Serialize(body));
            response.EnsureSuccessStatusCode();
        }

        // Assert: the overview badge and then the campaign page's banner appear without a reload.
        var card = page.GetByTestId("campaign-card").Filter(new() { HasText = "Outage lamp" });
        await Assertions.Expect(card.GetByTestId("alert-badge")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await card.ClickAsync();
        var alert = page.GetByTestId("alert-item").First;
        await Assertions.Expect(alert).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(alert).ToHaveAttributeAsync("data-status", AlertStatus.Open);
        await Assertions.Expect(alert).ToContainTextAsync("baseline");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "alert-banner.png"), FullPage = true });

        await alert.GetByTestId("alert-acknowledge").ClickAsync();

        await Assertions.Expect(page.GetByTestId("alert-item").Filter(new() { Has = page.GetByTestId("alert-acknowledged") }).First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.GetByTestId("open-alerts").ClickAsync();
        await Assertions.Expect(page.GetByTestId("alert-history-row").First).ToContainTextAsync("acknowledged", new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "alert-history.png"), FullPage = true });

        // Every opened alert and the acknowledgement went to the webhook; the delivery log shows them.
        await page.GetByTestId("open-webhooks").ClickAsync();
        await Assertions.Expect(page.GetByTestId("delivery-row").Filter(new() { HasText = "alert.acknowledged" }).Filter(new() { HasText = "delivered" }))
            .ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.True(deliveries >= 2);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "webhooks.png"), FullPage = true });
        receiver.Stop();
    }

    [Fact]
    public async Task CheckoutsFailingInTheLaunchsFirstMinutes_InjectedThroughApi_LaunchNoticeThenBannerWithoutReload()
    {
        // Arrange: a campaign launched eight minutes ago, its creator on the campaign page
        var org = await app.CreateOrganisationAsync("Launch alert org");
        var campaign = await app.Database.Campaigns.CreateCampaignAsync(org, "launch-" + Guid.NewGuid().ToString("N")[..8], "Launch lamp", "EUR", 50_000m,
            DateTimeOffset.UtcNow.AddMinutes(-8), allowedLatenessSeconds: 3600);
        var key = await app.Database.Campaigns.CreateIngestKeyAsync(campaign.Id, "launch test");
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, await app.CreateUserAsync(Roles.Creator, org));
        await page.GotoAsync($"campaigns/{campaign.Id}");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });

        // Assert: the launch-hour notice says which detectors already judge, and against what
        var notice = page.GetByTestId("alert-readiness");
        await Assertions.Expect(notice).ToContainTextAsync("Launch hour: alerts are on", new() { Timeout = 30_000 });
        await Assertions.Expect(notice.Locator($"[data-detector='{DetectorKinds.CheckoutFailureSpike}']")).Not.ToHaveAttributeAsync("data-basis", "Learning");
        await Assertions.Expect(page.GetByTestId("alert-item")).ToHaveCountAsync(0);

        // Act: the launch's first eight minutes, the last three with 90 % of checkouts failing, posted through the API
        var events = IncidentTraffic.Generate(campaign.Id, DateTimeOffset.UtcNow, 200, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(3),
            new Conditions(CheckoutBreakage: 0.9));
        foreach (var chunk in events.Chunk(1000))
        {
            var response = await app.PostEventsAsync(key, JsonSerializer.Serialize(chunk.Select(Crowdstart.Pipeline.Events.IngestPayload.Of)));
            response.EnsureSuccessStatusCode();
        }

        // Assert: the banner appears on the open page, in the launch's ninth minute
        var alert = page.GetByTestId("alert-item").First;
        await Assertions.Expect(alert).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(alert).ToHaveAttributeAsync("data-status", AlertStatus.Open);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "alert-launch-hour.png"), FullPage = true });
    }
}
