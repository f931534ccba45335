using System.Net.Http.Headers;
using System.Text;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Ingestion;

/// <summary>
/// The ingest keys page as a creator connecting a site: campaign id and snippets with a copy button, last event per key
/// and per campaign, the rejected events with their reasons, a Segment event name mapped, and a confirmation before
/// revoking a key that brought events within the hour.
/// </summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class IngestKeysBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 20_000 };

    private static string Shot(string name) => Path.Combine(BrowserFixture.ArtifactsDirectory, name);

    [Fact]
    public async Task KeysPage_AfterSegmentTraffic_ShowsSnippetLastEventRejectionsAndConfirmsRevoke()
    {
        // Arrange: a campaign that received a good Segment event, an unmapped one, and a bad event on our own API
        var org = await app.CreateOrganisationAsync("Connect org");
        var (campaign, key) = await app.CreateCampaignAsync(name: "Connect lamp", organisationId: org);
        var now = DateTimeOffset.UtcNow.AddSeconds(-3).ToString("O");
        var batch = $$$"""
            {"batch":[
              {"type":"track","event":"Order Completed","userId":"c-1","messageId":"{{{Guid.NewGuid()}}}","timestamp":"{{{now}}}","properties":{"total":49,"currency":"EUR"}},
              {"type":"track","event":"Signed Up","userId":"c-2","messageId":"{{{Guid.NewGuid()}}}","timestamp":"{{{now}}}"},
              {"type":"page","anonymousId":"c-3","messageId":"{{{Guid.NewGuid()}}}","timestamp":"not a time"}
            ]}
            """;
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/batch") { Content = new StringContent(batch, Encoding.UTF8, "application/json") })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
            (await app.Client.SendAsync(request)).EnsureSuccessStatusCode();
        }
        await app.PostEventsAsync(key, new[] { new { eventId = Guid.NewGuid(), type = EventTypes.PledgeCompleted, campaignId = campaign, customerId = "c-4",
            sessionId = "s-4", occurredAt = now, source = "direct", amount = 20m, currency = "USD" } });
        await app.Services.GetRequiredService<IngestActivity>().FlushAsync();
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, await app.CreateUserAsync(Roles.Creator, org));

        // Act
        await page.GotoAsync($"campaigns/{campaign}/keys");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });

        // Assert: id, snippet with its copy button, last event, rejections
        await Assertions.Expect(page.GetByTestId("campaign-id")).ToHaveTextAsync(campaign.ToString());
        await Assertions.Expect(page.GetByTestId("snippet").First).ToContainTextAsync(campaign.ToString());
        // "just now" within the first second, "N s ago" after: either way not "never".
        var received = new System.Text.RegularExpressions.Regex("ago|just now");
        await Assertions.Expect(page.GetByTestId("campaign-last-event")).ToContainTextAsync(received);
        await Assertions.Expect(page.GetByTestId("key-last-event").First).ToContainTextAsync(received);
        var rejected = page.GetByTestId("rejected-row");
        await Assertions.Expect(rejected).ToHaveCountAsync(3);
        await Assertions.Expect(rejected.Filter(new() { HasText = "Signed Up" })).ToContainTextAsync("no mapping");
        await Assertions.Expect(rejected.Filter(new() { HasText = "timestamp" })).ToContainTextAsync("ISO-8601");
        await Assertions.Expect(rejected.Filter(new() { HasText = "currency" })).ToContainTextAsync("API");
        await page.GetByRole(AriaRole.Tab, new() { Name = "curl · Segment /v1/batch" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("snippet").Filter(new() { HasText = "/v1/batch" })).ToBeVisibleAsync(Soon);
        await page.GetByTestId("copy-snippet").Filter(new() { Visible = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("copied")).ToContainTextAsync("Copied");
        Assert.Contains("/v1/batch", await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await page.ScreenshotAsync(new() { Path = Shot("ingest-keys-connection.png"), FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways at phone width");
        await page.ScreenshotAsync(new() { Path = Shot("ingest-keys-connection-phone.png"), FullPage = true });
        await page.SetViewportSizeAsync(1440, 900);

        // Assert: a Segment event name mapped from the page
        await page.GetByTestId("add-mapping").ClickAsync();
        await page.GetByTestId("mapping-row").Last.Locator("input").First.FillAsync("Signed Up");
        await page.GetByTestId("save-mappings").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mappings-saved")).ToBeVisibleAsync(Soon);

        // Assert: revoking the key in use asks first; "keep" keeps it, "revoke" revokes it
        var row = page.GetByTestId("key-row").First;
        await row.GetByTestId("revoke-key").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("Revoke a key in use?", new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Shot("ingest-keys-revoke-confirm.png") });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep the key" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("active");
        await row.GetByTestId("revoke-key").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("revoked", new() { Timeout = 20_000 });
    }
}
