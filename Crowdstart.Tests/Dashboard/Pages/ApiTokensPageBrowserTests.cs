using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Dashboard.Pages;

/// <summary>A creator manages personal API tokens in Chromium and a script uses one against the real app.</summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class ApiTokensPageBrowserTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private const int Timeout = 30_000;

    [Fact]
    public async Task CreateUseAndRevokeToken_ThroughThePage_ScriptWorksThenStops()
    {
        // Arrange
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var (campaign, _) = await app.CreateCampaignAsync(name: "Token lamp");
        var context = await NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, creator);
        await page.GotoAsync("/");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = Timeout });
        await page.GetByTestId("signed-in-user").ClickAsync();
        await ArrivedAsync(page, "/account/tokens");

        // Act: create a token (shown once) and use it from a script
        await page.GetByTestId("token-name").FillAsync("weekly report");
        await page.GetByTestId("create-token").ClickAsync();
        var token = (await page.GetByTestId("new-token-value").TextContentAsync(new() { Timeout = Timeout }))!.Trim();
        await Assertions.Expect(page.GetByTestId("token-row")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "api-tokens.png"), FullPage = true });
        using var script = new HttpClient { BaseAddress = app.BaseAddress };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var query = new { campaigns = new[] { campaign }, measures = new[] { "count" } };
        var before = await script.PostAsJsonAsync("api/v1/query", query);
        await page.GetByTestId("revoke-token").ClickAsync();
        await Assertions.Expect(page.GetByTestId("token-row")).ToContainTextAsync("revoked", new() { Timeout = Timeout });
        var after = await script.PostAsJsonAsync("api/v1/query", query);

        // Assert
        Assert.StartsWith(PersonalTokens.Prefix, token);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("token-row")).ToContainTextAsync("revoked", new() { Timeout = Timeout });
        Assert.DoesNotContain(token, await page.ContentAsync());
        await context.CloseAsync();
    }
}
