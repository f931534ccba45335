using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Alerts;

/// <summary>
/// The delivery settings in the browser: a creator adds a Slack webhook with the format picker, mutes the campaign's
/// alerts from the alerts page and sees the mute on the banner next to a recovered alert, then unmutes from the banner.
/// </summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class AlertDeliveryBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task AlertsPage_MuteWithReasonAndSlackWebhook_BannerShowsMuteAndRecoveryThenUnmuteClearsIt()
    {
        // Arrange: a campaign with an alert that recovered 8 minutes ago after 12 minutes, a signed-in creator
        var org = await app.CreateOrganisationAsync("Delivery org");
        var (campaign, _) = await app.CreateCampaignAsync(name: "Aurora Lamp", organisationId: org);
        await app.Database.ScalarAsync<int>(
            "WITH a AS (INSERT INTO alerts (id, campaign_id, detector, scope, status, severity, message, value, baseline_low, baseline_high, opened_at, updated_at, resolved_at) " +
            $"VALUES ('{Guid.NewGuid()}', '{campaign}', 'checkout_conversion_drop', 'campaign', 'resolved', 'Critical', " +
            "'Checkout conversion fell to 12 % over the last 5 min (3 of 25; baseline 31 %–44 %)', 0.12, 0.31, 0.44, " +
            "now() - interval '20 minutes', now() - interval '8 minutes', now() - interval '8 minutes') RETURNING 1) SELECT count(*)::int FROM a");
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, await app.CreateUserAsync(Roles.Creator, org));

        // Act: a Slack webhook through the format picker
        await page.GotoAsync($"campaigns/{campaign}/webhooks");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByTestId("webhook-format").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Slack" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("webhook-url")).ToHaveAttributeAsync("placeholder", new System.Text.RegularExpressions.Regex("hooks.slack.com"));
        await page.GetByTestId("webhook-url").FillAsync("http://127.0.0.1:9/slack-hook");
        await page.GetByTestId("webhook-add").ClickAsync();

        // Assert
        await Assertions.Expect(page.GetByTestId("webhook-secret")).ToContainTextAsync("whsec_", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("webhook-row-format")).ToHaveTextAsync("Slack");
        // A Slack address is its own credential: the list shows only its origin and last characters.
        await Assertions.Expect(page.GetByTestId("webhook-row-url")).ToHaveTextAsync("http://127.0.0.1:9/…hook");

        // Act: a two-hour mute with a reason, from the alerts page
        await page.GotoAsync($"campaigns/{campaign}/alerts");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByTestId("mute-reason").FillAsync("payment provider maintenance");
        await page.GetByTestId("mute-add").ClickAsync();

        // Assert: the banner shows the mute and, below, the recovery in the past tense; the history says the same
        await Assertions.Expect(page.GetByTestId("mute-message")).ToContainTextAsync("Alerts muted from now until", new() { Timeout = 20_000 });
        var mute = page.GetByTestId("alert-mute");
        await Assertions.Expect(mute).ToContainTextAsync("Alerts muted until");
        await Assertions.Expect(mute).ToContainTextAsync("payment provider maintenance");
        var recovered = page.GetByTestId("alert-recovered");
        await Assertions.Expect(recovered).ToContainTextAsync("Recovered at");
        await Assertions.Expect(recovered).ToContainTextAsync("after 12 min");
        await Assertions.Expect(page.GetByTestId("alert-history-summary").First).ToContainTextAsync("Last reading while open");
        await Assertions.Expect(page.GetByTestId("mute-row")).ToContainTextAsync("in force");

        // Act: unmute from the banner
        await mute.GetByTestId("alert-unmute").ClickAsync();

        // Assert
        await Assertions.Expect(page.GetByTestId("alert-mute")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("mute-row")).ToContainTextAsync("ended early by");
    }
}
