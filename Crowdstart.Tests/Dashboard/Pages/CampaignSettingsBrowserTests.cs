using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Dashboard.Pages;

/// <summary>
/// A creator's settings journeys in Chromium: editing details and the metric definition with the rebuild's progress
/// (the campaign keeps its old figures until the swap), archiving, and a share link opened as a TV wall in a fresh
/// browser without a session, then revoked while it is open.
/// </summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class CampaignSettingsBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private const int Timeout = 30_000;

    private static Task ShotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, name), FullPage = fullPage });

    /// <summary>A creator's own campaign (created through the product) with <paramref name="customers"/> customers' journeys folded in.</summary>
    private async Task<(Guid Campaign, string Name, TestUser Creator, Guid Organisation)> CampaignAsync(string name, int customers, Guid? organisation = null,
        TestUser? creator = null)
    {
        var org = organisation ?? await app.CreateOrganisationAsync("Settings journeys");
        var user = creator ?? await app.CreateUserAsync(Roles.Creator, org);
        var (campaign, errors) = await app.Services.GetRequiredService<CampaignManagement>().CreateAsync(new Actor(user.Id, user.Email, false),
            new NewCampaign(org, name, "EUR", 12_000m, DateTimeOffset.UtcNow.AddHours(-3), DateTimeOffset.UtcNow.AddDays(20)));
        Assert.True(campaign is not null, string.Join("; ", errors.Select(e => e.Key)));
        var key = await app.Database.Campaigns.CreateIngestKeyAsync(campaign.Id, "journey");
        var at = DateTimeOffset.UtcNow.AddMinutes(-60);
        var events = new List<object>();
        string[] sources = ["direct", "social:reddit", "search"];
        for (var i = 0; i < customers; i++)
        {
            var steps = (i % 4) switch
            {
                0 => new[] { EventTypes.PageView, EventTypes.RewardView, EventTypes.CartCreated, EventTypes.CheckoutStarted, EventTypes.PledgeCompleted },
                1 => [EventTypes.PageView, EventTypes.RewardView, EventTypes.CartCreated],
                2 => [EventTypes.PageView, EventTypes.CartCreated, EventTypes.PledgeCompleted],
                _ => [EventTypes.PageView],
            };
            events.AddRange(steps.Select((type, s) => (object)new
            {
                eventId = Guid.NewGuid(), type, campaignId = campaign.Id, customerId = $"cust-wall-{i}", sessionId = $"s-{i}",
                occurredAt = at.AddSeconds(i * 30 + s * 120).ToString("O"), source = sources[i % 3],
                amount = type == EventTypes.PledgeCompleted ? 45m + i % 5 * 10 : (decimal?)null, currency = type == EventTypes.PledgeCompleted ? "EUR" : null,
            }));
        }
        if (events.Count > 0)
        {
            (await app.PostEventsAsync(key, events)).EnsureSuccessStatusCode();
            await app.WaitForPipelineAsync();
        }
        return (campaign.Id, name, user, org);
    }

    /// <summary>
    /// Saves the details until the section shows <paramref name="text"/>: a field's last input event may still be on its way
    /// to the circuit when the click is sent on a busy machine (MudBlazor's input handler yields), so one click may save the
    /// value before it; the second sees it.
    /// </summary>
    private static async Task SaveUntilAsync(IPage page, string text)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.GetByTestId("settings-save").ClickAsync();
            try
            {
                await Assertions.Expect(page.GetByTestId("settings-details")).ToContainTextAsync(text, new() { Timeout = attempt < 3 ? 5_000 : Timeout });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Scrolls a section to the top of the window, below the app bar.</summary>
    private static Task ScrollToAsync(IPage page, string testId) =>
        page.EvaluateAsync("id => window.scrollTo(0, document.querySelector(`[data-testid='${id}']`).getBoundingClientRect().top + window.scrollY - 80)", testId);

    /// <summary>The settings page is on screen and its forms are ready for typing.</summary>
    private static async Task SettingsReadyAsync(IPage page, Guid campaign)
    {
        await ArrivedAsync(page, $"/campaigns/{campaign}/settings");
        // Twice the usual wait: on a cold app and a busy machine the first circuit of a run takes its time.
        await page.Locator("[data-settings-ready='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 2 * Timeout });
    }

    private async Task<IPage> SignedInPageAsync(TestUser user, int width = 1440, int height = 900)
    {
        var context = await NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, user);
        return page;
    }

    [Fact]
    public async Task SettingsJourney_EditDetailsAndFunnel_RebuildProgressShownOldFiguresKeptUntilTheSwap()
    {
        // Arrange: the app's rebuilder works in small chunks and is held after its third one, so the progress is on screen.
        var (campaign, _, creator, _) = await CampaignAsync("Settings lamp", 80);
        var rebuilder = app.Services.GetRequiredService<MetricsRebuilder>();
        var metrics = app.Services.GetRequiredService<IMetricsQuery>();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chunks = 0;
        rebuilder.ChunkCustomers = 10;
        rebuilder.FaultInjector = async point =>
        {
            if (point == "after-chunk" && Interlocked.Increment(ref chunks) == 3)
            {
                held.TrySetResult();
                await release.Task;
            }
        };
        try
        {
            var page = await SignedInPageAsync(creator);
            await page.GotoAsync($"/campaigns/{campaign}");
            await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });

            // Act: the toolbar's Settings link, details saved, then a shorter funnel and cart window applied
            await page.GetByTestId("open-settings").ClickAsync();
            await SettingsReadyAsync(page, campaign);
            await page.GetByTestId("settings-name").FillAsync("x");
            await page.GetByTestId("settings-name").PressAsync("Tab");
            await SaveUntilAsync(page, "The name must be 3 to 200 characters.");
            await page.GetByTestId("settings-name").FillAsync("Settings lamp, second edition");
            await page.GetByTestId("settings-save").ClickAsync();
            await Assertions.Expect(page.GetByTestId("settings-saved")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Assertions.Expect(page.Locator(".mud-breadcrumbs")).ToContainTextAsync("Settings lamp, second edition");
            await page.GetByLabel("Remove step 2").ClickAsync();
            await page.GetByLabel("Remove step 3").ClickAsync();
            await Assertions.Expect(page.GetByTestId("funnel-step")).ToHaveCountAsync(3);
            await page.GetByTestId("settings-cart-window").FillAsync("20");
            await page.GetByTestId("settings-cart-window").PressAsync("Tab");
            await page.GetByTestId("definition-apply").ClickAsync();
            await held.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await Assertions.Expect(page.GetByTestId("rebuild-progress-text")).ToContainTextAsync(
                new System.Text.RegularExpressions.Regex(@"\b([1-9]|[1-7]\d) of 80 customers recomputed"), new() { Timeout = Timeout });
            var during = await metrics.GetSnapshotAsync(campaign, DateTimeOffset.UtcNow);
            await ScrollToAsync(page, "settings-definition");
            await ShotAsync(page, "settings-rebuild-progress.png", fullPage: false);
            release.TrySetResult();
            await Assertions.Expect(page.GetByTestId("rebuild-status")).ToHaveAttributeAsync("data-status", "done", new() { Timeout = Timeout });
            var after = await metrics.GetSnapshotAsync(campaign, DateTimeOffset.UtcNow);
            await ScrollToAsync(page, "settings-definition");
            await ShotAsync(page, "settings-rebuild-done.png", fullPage: false);

            // Assert: the old five-step funnel until the swap, the new three steps after; the form shows what is in force.
            Assert.Equal(5, during!.Funnel.Count);
            Assert.Equal([EventTypes.PageView, EventTypes.CartCreated, EventTypes.PledgeCompleted], after!.Funnel.Select(s => s.Type));
            Assert.Equal([80L, 60L, 40L], after.Funnel.Select(s => s.Customers));
            await Assertions.Expect(page.GetByTestId("funnel-step")).ToHaveCountAsync(3);
            await Assertions.Expect(page.GetByTestId("rebuild-status")).ToContainTextAsync("80 customers");
        }
        finally
        {
            release.TrySetResult();
            rebuilder.FaultInjector = null;
            rebuilder.ChunkCustomers = 500;
        }
    }

    [Fact]
    public async Task ArchiveJourney_ArchivedCampaignHiddenFromOverviewUntilShowArchived()
    {
        // Arrange
        var (campaign, name, creator, organisation) = await CampaignAsync("Archive lamp " + Guid.NewGuid().ToString("N")[..4], 4);
        var (_, keptName, _, _) = await CampaignAsync("Kept lamp " + Guid.NewGuid().ToString("N")[..4], 4, organisation, creator);
        var page = await SignedInPageAsync(creator);
        await page.GotoAsync($"/campaigns/{campaign}/settings");
        await SettingsReadyAsync(page, campaign);

        // Act
        await page.GetByTestId("settings-archive").ClickAsync();
        await Assertions.Expect(page.GetByTestId("archive-state")).ToContainTextAsync("Archived", new() { Timeout = Timeout });
        // At phone width the page does not scroll sideways (the steps table scrolls inside its card).
        await page.SetViewportSizeAsync(390, 844);
        await ShotAsync(page, "settings-phone.png");
        var overflow = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth - window.innerWidth");
        await page.SetViewportSizeAsync(1440, 900);
        await page.GotoAsync("/");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("campaign-card")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        var hidden = await page.GetByTestId("campaign-card").InnerTextAsync();
        await page.GetByTestId("toggle-archived").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-card")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        await ShotAsync(page, "overview-archived.png");

        // Assert
        Assert.True(overflow <= 0, $"the settings page scrolls sideways by {overflow} px at 390 px");
        Assert.Contains(keptName, hidden);
        Assert.DoesNotContain(name, hidden);
        await Assertions.Expect(page.GetByTestId("campaign-card").Filter(new() { HasText = name }).GetByTestId("card-archived")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("toggle-archived")).ToHaveTextAsync("Hide archived");
    }

    [Fact]
    public async Task ShareJourney_LinkOpenedWithoutSessionAsTvWall_RevokedWhileOpenGoesBlank()
    {
        // Arrange
        var (campaign, name, creator, _) = await CampaignAsync("Wall lamp", 40);
        var page = await SignedInPageAsync(creator);
        await page.GotoAsync($"/campaigns/{campaign}");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });
        await page.GetByTestId("open-share").ClickAsync();
        await SettingsReadyAsync(page, campaign);

        // Act: create a link, open it in a fresh browser (no cookies) at TV size, then revoke it while it is open
        await ScrollToAsync(page, "settings-share");
        await page.GetByTestId("share-label").FillAsync("Office TV");
        await page.GetByTestId("share-label").PressAsync("Tab");
        await page.GetByTestId("share-create").ClickAsync();
        try
        {
            await page.GetByTestId("share-url").WaitForAsync(new() { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            // The click landed while the page was still scrolling to #share (a cold app on a busy machine): once more.
            if (await page.GetByTestId("share-row").CountAsync() == 0)
            {
                await page.GetByTestId("share-create").ClickAsync();
            }
        }
        var url = (await page.GetByTestId("share-url").TextContentAsync(new() { Timeout = Timeout }))!.Trim();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.GetByTestId("share-copy").ClickAsync();
        await Assertions.Expect(page.GetByTestId("share-copied")).ToHaveTextAsync("Copied the share link.");
        Assert.Equal(url, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        var tv = await (await NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1920, Height = 1080 },
            ColorScheme = ColorScheme.Dark,
        })).NewPageAsync();
        await tv.GotoAsync(url);
        await tv.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });
        await Assertions.Expect(tv.GetByTestId("share-campaign-name")).ToHaveTextAsync(name);
        await tv.Locator("#share-funnel[data-chart-ready='true']").WaitForAsync(new() { Timeout = Timeout });
        var wall = await tv.ContentAsync();
        await ShotAsync(tv, "share-tv.png", fullPage: false);
        await page.ReloadAsync();
        await SettingsReadyAsync(page, campaign);
        var row = page.GetByTestId("share-row").Filter(new() { HasText = "Office TV" });
        await Assertions.Expect(row).ToContainTextAsync("1 · last");
        await ScrollToAsync(page, "settings-share");
        await ShotAsync(page, "settings-share.png", fullPage: false);
        await row.GetByTestId("share-revoke").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("revoked", new() { Timeout = Timeout });
        await tv.GetByTestId("share-invalid").WaitForAsync(new() { Timeout = Timeout });
        await ShotAsync(tv, "share-revoked.png", fullPage: false);

        // Assert: the wall showed the figures and nothing of customers, and keeps nothing once revoked
        Assert.Contains("€", wall);
        Assert.DoesNotContain("cust-wall", wall);
        Assert.DoesNotContain("href=\"/campaigns", wall);
        Assert.DoesNotContain(await tv.Context.CookiesAsync(), c => c.Name.Contains("Identity", StringComparison.Ordinal));
        Assert.DoesNotContain(name, await tv.ContentAsync());
    }
}
