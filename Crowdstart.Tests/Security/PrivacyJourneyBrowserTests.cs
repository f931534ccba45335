using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Security;

/// <summary>Creator and admin in two real Chromium sessions: request, approve, drill down, revoke live, audit; ingest keys.</summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class PrivacyJourneyBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 20_000 };

    private async Task<IPage> SignedInPageAsync(TestUser user)
    {
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, user);
        return page;
    }

    private static async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
    }

    private static string Shot(string name) => Path.Combine(BrowserFixture.ArtifactsDirectory, name);

    [Fact]
    public async Task DrillDown_RequestApprovedThenRevoked_OpenTimelineLosesAccessLiveAndEveryReadIsAudited()
    {
        // Arrange
        var org = await app.CreateOrganisationAsync("Journey org");
        var (campaign, key) = await app.CreateCampaignAsync(name: "Journey lamp", organisationId: org);
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        (await app.PostEventsAsync(key, new object[]
        {
            new { eventId = Guid.NewGuid(), type = EventTypes.PageView, campaignId = campaign, customerId = "backer-42", sessionId = "s-42", occurredAt = at.ToString("O"), source = "social:reddit" },
            new { eventId = Guid.NewGuid(), type = EventTypes.PledgeCompleted, campaignId = campaign, customerId = "backer-42", sessionId = "s-42", occurredAt = at.AddSeconds(50).ToString("O"), source = "social:reddit", amount = 69m, currency = "EUR", properties = new { reward = "standard" } },
        })).EnsureSuccessStatusCode();
        var creator = await SignedInPageAsync(await app.CreateUserAsync(Roles.Creator, org));
        var admin = await SignedInPageAsync(await app.CreateUserAsync(Roles.Admin, null));

        // Creator asks for access with a reason.
        await GoAsync(creator, $"campaigns/{campaign}");
        await creator.GetByTestId("request-reason").FillAsync("Backer 42 says the pledge was charged twice");
        await creator.GetByTestId("request-access").ClickAsync();
        await Assertions.Expect(creator.GetByTestId("request-pending")).ToBeVisibleAsync(Soon);

        // Admin approves; the creator's open page turns into "Browse customers" without a reload.
        await GoAsync(admin, "admin/access");
        var row = admin.GetByTestId("pending-row").Filter(new() { HasText = "charged twice" });
        await row.GetByTestId("approve").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("grant-row").Filter(new() { HasText = "Journey lamp" })).ToBeVisibleAsync(Soon);
        await admin.ScreenshotAsync(new() { Path = Shot("admin-data-access.png"), FullPage = true });
        await Assertions.Expect(creator.GetByTestId("open-customers")).ToBeVisibleAsync(Soon);

        // Creator drills down: customer list, then one timeline.
        await creator.GetByTestId("open-customers").ClickAsync();
        await creator.GetByTestId("customer-link").Filter(new() { HasText = "backer-42" }).ClickAsync();
        await Assertions.Expect(creator.GetByTestId("timeline-event")).ToHaveCountAsync(2, new() { Timeout = 20_000 });
        await Assertions.Expect(creator.GetByTestId("timeline")).ToContainTextAsync("€69");
        await creator.ScreenshotAsync(new() { Path = Shot("customer-timeline.png"), FullPage = true });

        // Admin revokes; the timeline already on the creator's screen is dropped at once.
        await admin.GetByTestId("grant-row").Filter(new() { HasText = "Journey lamp" }).GetByTestId("revoke-grant").ClickAsync();
        await Assertions.Expect(creator.GetByTestId("access-ended")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(creator.GetByTestId("timeline")).ToHaveCountAsync(0);

        // The admin finds both reads in the audit log.
        await GoAsync(admin, "admin/audit");
        await admin.GetByTestId("audit-actor").FillAsync("creator-");
        await Assertions.Expect(admin.GetByTestId("audit-row").Filter(new() { HasText = AuditActions.AccessGranted })).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Assertions.Expect(admin.GetByTestId("audit-row").Filter(new() { HasText = AuditActions.CustomerTimelineRead }).Filter(new() { HasText = "backer-42" }))
            .ToBeVisibleAsync(Soon);
        await Assertions.Expect(admin.GetByTestId("audit-row").Filter(new() { HasText = AuditActions.CustomerListRead }).First).ToBeVisibleAsync(Soon);
        await admin.ScreenshotAsync(new() { Path = Shot("admin-audit.png"), FullPage = true });
    }

    [Fact]
    public async Task NewCampaignAndIngestKey_CreatedInTheBrowser_KeyShownOnceWorksAndStopsWhenRevoked()
    {
        var creator = await SignedInPageAsync(await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId));
        await GoAsync(creator, "/");
        await creator.GetByTestId("new-campaign").ClickAsync();
        await ArrivedAsync(creator, "/campaigns/new");
        await creator.GetByTestId("campaign-new-name").FillAsync("Key lamp");
        await Assertions.Expect(creator.GetByTestId("campaign-new-name")).ToHaveValueAsync("Key lamp");
        await creator.GetByTestId("campaign-new-create").ClickAsync();
        await ArrivedAsync(creator, "/keys");
        var campaign = Guid.Parse(creator.Url.Split('/')[^2]);

        await creator.GetByTestId("key-name").FillAsync("landing page");
        await creator.GetByTestId("create-key").ClickAsync();
        var key = (await creator.GetByTestId("new-key-value").TextContentAsync(new() { Timeout = 20_000 }))!.Trim();
        await creator.ScreenshotAsync(new() { Path = Shot("ingest-keys.png"), FullPage = true });
        object Event() => new[] { new { eventId = Guid.NewGuid(), type = EventTypes.PageView, campaignId = campaign, customerId = "c-b", sessionId = "s-b", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("O"), source = "direct" } };
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await app.PostEventsAsync(key, Event())).StatusCode);

        await creator.GetByTestId("key-row").Filter(new() { HasText = "landing page" }).GetByTestId("revoke-key").ClickAsync();
        await Assertions.Expect(creator.GetByTestId("key-row").Filter(new() { HasText = "landing page" })).ToContainTextAsync("revoked", new() { Timeout = 20_000 });
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await app.PostEventsAsync(key, Event())).StatusCode);
        await creator.ReloadAsync();
        Assert.DoesNotContain(key, await creator.ContentAsync());

        // Signing out (a form post with its antiforgery token) ends the session.
        await creator.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
        await creator.GetByTestId("sign-out").ClickAsync();
        await Assertions.Expect(creator.GetByTestId("login-message")).ToContainTextAsync("signed out", new() { Timeout = 20_000 });
        await creator.GotoAsync($"campaigns/{campaign}/keys");
        Assert.Contains("/account/login", creator.Url);
    }

    [Fact]
    public async Task Login_Page_RendersAndWrongPasswordExplainsItself()
    {
        var context = await NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync("campaigns/" + Guid.NewGuid());
        Assert.Contains("/account/login", page.Url);
        await page.Locator("input[name=Email]").FillAsync("nobody@test.example");
        await page.Locator("input[name=Password]").FillAsync("wrong-password-1");
        await page.Locator("[data-testid=login-form] button[type=submit]").ClickAsync();

        await Assertions.Expect(page.GetByTestId("login-message")).ToContainTextAsync("Wrong e-mail or password");
        await page.ScreenshotAsync(new() { Path = Shot("login.png") });
    }

    [Fact]
    public async Task Organisations_AdminCreatesOrganisationAndCreatorSetsRetention_CreatorSignsInToAnEmptyOverview()
    {
        var admin = await SignedInPageAsync(await app.CreateUserAsync(Roles.Admin, null));
        await GoAsync(admin, "admin/organisations");
        var name = "Retention Org " + Guid.NewGuid().ToString("N")[..6];

        await admin.GetByTestId("org-new-name").FillAsync(name);
        await admin.GetByTestId("org-create").ClickAsync();
        var card = admin.GetByTestId("org-card").Filter(new() { HasText = name });
        await Assertions.Expect(card).ToBeVisibleAsync(Soon);
        await card.GetByTestId("retention-raw").FillAsync("120");
        await card.GetByTestId("retention-customer").FillAsync("30");
        await card.GetByTestId("retention-aggregates").FillAsync("400");
        await card.GetByTestId("save-retention").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("org-message")).ToContainTextAsync("Retention saved", new() { Timeout = 20_000 });
        var email = $"new-creator-{Guid.NewGuid().ToString("N")[..8]}@test.example";
        await admin.GetByTestId("account-email").FillAsync(email);
        await admin.GetByTestId("account-name").FillAsync("New Creator");
        await admin.GetByTestId("account-password").FillAsync("a long enough password");
        await admin.GetByTestId("account-create").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("org-message")).ToContainTextAsync($"Account {email} created", new() { Timeout = 20_000 });
        await admin.ScreenshotAsync(new() { Path = Shot("admin-organisations.png"), FullPage = true });

        var retention = await app.Database.ScalarAsync<string>(
            $"SELECT concat_ws('/', raw_event_retention_days, customer_data_retention_days, aggregate_retention_days) FROM organisations WHERE name = '{name}'");
        Assert.Equal("120/30/400", retention);
        var creator = await SignedInPageAsync(new TestUser(Guid.Empty, email, "a long enough password"));
        await GoAsync(creator, "/");
        await Assertions.Expect(creator.GetByText("Create your first campaign")).ToBeVisibleAsync(Soon);
    }
}
