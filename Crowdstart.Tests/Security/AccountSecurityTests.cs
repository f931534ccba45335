using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Storage.Entities;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Security;

/// <summary>Sign-in, lockout, cookies and ingest-key management against the running app.</summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class AccountSecurityTests(AppFixture app)
{
    [Fact]
    public async Task Login_FiveWrongPasswords_LocksTheAccountEvenForTheRightPassword()
    {
        var user = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var client = app.NewCookieClient();

        for (var i = 0; i < 5; i++)
        {
            var wrong = await app.PostLoginAsync(client, user.Email, "not-the-password");
            Assert.Contains("error=", wrong.Headers.Location!.ToString());
        }
        var right = await app.PostLoginAsync(client, user.Email, user.Password);

        Assert.Contains("error=locked", right.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/v1/campaigns")).StatusCode);
    }

    [Fact]
    public async Task Login_Success_SetsHttpOnlyStrictCookieAndRedirectsOnlyToLocalPaths()
    {
        var user = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var client = app.NewCookieClient();
        var page = await client.GetStringAsync("account/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;

        var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Email"] = user.Email, ["Password"] = user.Password, ["ReturnUrl"] = "//evil.example/phish",
        }));

        Assert.Equal("/", response.Headers.Location!.ToString());
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("crowdstart.auth="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/campaigns")).StatusCode);
    }

    [Fact]
    public async Task Login_DemoAccountAfterDemoModeEnds_IsRefused()
    {
        // The demo accounts exist (a deployment that ran in demo mode once), then the app starts without it.
        var demo = Crowdstart.Dashboard.Security.AccountSeeder.DemoAccounts[1];
        await using (var db = await app.Database.Contexts.CreateDbContextAsync())
        {
            foreach (var org in Crowdstart.Pipeline.Demo.DemoCampaigns.Organisations.Where(o => !db.Organisations.Any(x => x.Id == o.Id)))
            {
                db.Organisations.Add(new Crowdstart.Pipeline.Storage.Entities.Organisation { Id = org.Id, Slug = org.Slug, Name = org.Name, CreatedAt = DateTimeOffset.UtcNow });
            }
            await db.SaveChangesAsync();
        }
        await Crowdstart.Dashboard.Security.AccountSeeder.SeedAccountsAsync(app.Services, demo: true);
        var during = await app.PostLoginAsync(app.NewCookieClient(), demo.Email, demo.Password);

        await Crowdstart.Dashboard.Security.AccountSeeder.SeedAccountsAsync(app.Services, demo: false);
        var after = await app.PostLoginAsync(app.NewCookieClient(), demo.Email, demo.Password);

        Assert.DoesNotContain("error=", during.Headers.Location!.ToString());
        Assert.Contains("error=locked", after.Headers.Location!.ToString());
    }

    [Fact]
    public async Task IngestKey_CreatedThroughApiThenRevoked_WorksThenStopsAtOnce()
    {
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var client = await app.SignInAsync(creator);
        var (campaign, _) = await app.CreateCampaignAsync();
        object Event() => new[] { new { eventId = Guid.NewGuid(), type = EventTypes.PageView, campaignId = campaign, customerId = "c-k", sessionId = "s-k", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("O"), source = "direct" } };

        var created = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/keys", new { name = "production site" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var key = body.GetProperty("key").GetString()!;
        var keyId = body.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Accepted, (await app.PostEventsAsync(key, Event())).StatusCode);
        var listed = await client.GetStringAsync($"api/v1/campaigns/{campaign}/keys");
        Assert.DoesNotContain(key, listed);
        Assert.Contains("production site", listed);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"api/v1/campaigns/{campaign}/keys/{keyId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.PostEventsAsync(key, Event())).StatusCode);
    }

    [Fact]
    public async Task IngestKey_EmptyName_IsAValidationProblemNamingTheField()
    {
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var client = await app.SignInAsync(creator);
        var (campaign, _) = await app.CreateCampaignAsync();

        var response = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/keys", new { name = " " });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task CampaignList_Creator_SeesOnlyTheirOrganisationsCampaigns()
    {
        var mine = await app.CreateOrganisationAsync("Mine");
        var theirs = await app.CreateOrganisationAsync("Theirs");
        var (own, _) = await app.CreateCampaignAsync(name: "Own campaign", organisationId: mine);
        var (foreign, _) = await app.CreateCampaignAsync(name: "Foreign campaign", organisationId: theirs);
        var client = await app.SignInAsync(await app.CreateUserAsync(Roles.Creator, mine));

        var list = await client.GetStringAsync("api/v1/campaigns");
        var overview = await client.GetStringAsync("/");

        Assert.Contains(own.ToString(), list);
        Assert.DoesNotContain(foreign.ToString(), list);
        Assert.DoesNotContain("Foreign campaign", overview);
    }

    [Theory]
    [InlineData("/campaigns\tx")]
    [InlineData("/campaigns\nx")]
    [InlineData("/\r\n/evil.example")]
    public async Task Login_ReturnUrlWithControlCharacter_RedirectsHome(string returnUrl)
    {
        var user = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var client = app.NewCookieClient();
        var page = await client.GetStringAsync("account/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;

        var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Email"] = user.Email, ["Password"] = user.Password, ["ReturnUrl"] = returnUrl,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task CreateIngestKey_AccountLockedAfterSignIn_IsRefusedAtOnce()
    {
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var client = await app.SignInAsync(creator);
        var (campaign, _) = await app.CreateCampaignAsync();
        await LockAsync(creator);

        var response = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/keys", new { name = "made after the lock" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM ingest_keys WHERE campaign_id = '{campaign}' AND name = 'made after the lock'"));
    }

    [Fact]
    public async Task CreateIngestKey_AccountLockedOutByWrongPasswordsElsewhere_IsRefusedAtOnce()
    {
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var client = await app.SignInAsync(creator);
        var (campaign, _) = await app.CreateCampaignAsync();
        var attacker = app.NewCookieClient();
        for (var i = 0; i < 5; i++)
        {
            await app.PostLoginAsync(attacker, creator.Email, "not-the-password");
        }

        var response = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/keys", new { name = "made during the lockout" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CreateIngestKey_AccountLockedThenUnlocked_OldCookieStaysRefusedAndNewSignInWorks()
    {
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var old = await app.SignInAsync(creator);
        var (campaign, _) = await app.CreateCampaignAsync();
        await LockAsync(creator);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CrowdstartUser>>();
            Assert.True((await users.SetLockoutEndDateAsync((await users.FindByIdAsync(creator.Id.ToString()))!, null)).Succeeded);
        }

        var withOld = await old.PostAsJsonAsync($"api/v1/campaigns/{campaign}/keys", new { name = "old session" });
        var withNew = await (await app.SignInAsync(creator)).PostAsJsonAsync($"api/v1/campaigns/{campaign}/keys", new { name = "new session" });

        Assert.Equal(HttpStatusCode.Unauthorized, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.Created, withNew.StatusCode);
    }

    [Fact]
    public async Task PagesAndApi_AccountLockedAfterSignIn_AreRefusedOnceTheValidationIntervalHasPassed()
    {
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var client = await app.SignInAsync(creator);
        var interval = app.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval;
        Assert.True(interval <= TimeSpan.FromSeconds(2), "the shared app re-validates cookies every second (AppFixture)");
        await LockAsync(creator);

        // Reads re-check only once per interval (they are frequent); the fixture's interval is one second.
        await Task.Delay(interval + TimeSpan.FromMilliseconds(250));
        var page = await client.GetAsync("/");
        var api = await client.GetAsync("api/v1/campaigns");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/account/login", page.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public void SecurityStampValidation_DefaultSettings_RechecksCookiesEveryMinute()
    {
        Assert.Equal(60, new Crowdstart.Dashboard.Security.AccountOptions().SessionValidationSeconds);
    }

    /// <summary>Locks an account the way admins and the seeder do: a lockout end in the future.</summary>
    private async Task LockAsync(TestUser user)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CrowdstartUser>>();
        var account = await users.FindByIdAsync(user.Id.ToString());
        Assert.True((await users.SetLockoutEndDateAsync(account!, DateTimeOffset.UtcNow.AddHours(1))).Succeeded);
    }
}
