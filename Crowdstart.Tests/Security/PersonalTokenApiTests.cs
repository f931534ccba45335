using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdstart.Dashboard.Hubs;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Storage.Entities;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Security;

/// <summary>Personal API tokens (<c>Bearer cs_pat_…</c>) against the running app: where they work, where they do not, and when they stop.</summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class PersonalTokenApiTests(AppFixture app)
{
    private async Task<(TestUser User, string Token, Guid TokenId)> CreatorWithTokenAsync()
    {
        var user = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        var tokens = app.Services.GetRequiredService<PersonalTokens>();
        var (row, plaintext) = await tokens.CreateAsync(new Actor(user.Id, user.Email, false), "script", 30);
        return (user, plaintext, row.Id);
    }

    private HttpClient TokenClient(string token)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static object CountQuery(Guid campaign) => new { campaigns = new[] { campaign }, measures = new[] { "count" } };

    [Fact]
    public async Task PostQuery_WithLiveToken_AnswersAsTheTokensUser()
    {
        // Arrange
        var (campaign, key) = await app.CreateCampaignAsync();
        (await app.PostEventsAsync(key, new[]
        {
            new { eventId = Guid.NewGuid(), type = "page_view", campaignId = campaign, customerId = "pat-1", sessionId = "s", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("O"), source = "direct" },
        })).EnsureSuccessStatusCode();
        var (_, token, _) = await CreatorWithTokenAsync();
        using var client = TokenClient(token);

        // Act
        var response = await client.PostAsJsonAsync("api/v1/query", CountQuery(campaign));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows");
        Assert.Equal(1, rows[0][0].GetInt64());
    }

    [Fact]
    public async Task PostQuery_TokenOfAnotherOrganisationsCreator_IsForbidden()
    {
        var (campaign, _) = await app.CreateCampaignAsync();
        var outsider = await app.CreateUserAsync(Roles.Creator, await app.CreateOrganisationAsync("Token outsiders"));
        var (_, token) = await app.Services.GetRequiredService<PersonalTokens>().CreateAsync(new Actor(outsider.Id, outsider.Email, false), "script", 7);
        using var client = TokenClient(token);

        var response = await client.PostAsJsonAsync("api/v1/query", CountQuery(campaign));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Token_OnCookieOnlyRoutes_IsNotAccepted()
    {
        // A token reads; it never manages keys, reads customer lists or opens pages.
        var (campaign, _) = await app.CreateCampaignAsync();
        var (_, token, _) = await CreatorWithTokenAsync();
        using var client = TokenClient(token);

        var keys = await client.GetAsync($"api/v1/campaigns/{campaign}/keys");
        var createKey = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/keys", new { name = "from a token" });
        var list = await client.GetAsync("api/v1/campaigns/");

        Assert.Equal(HttpStatusCode.Unauthorized, keys.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, createKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    [Fact]
    public async Task PostQuery_RevokedOrUnknownToken_UnauthorizedWithReason()
    {
        var (campaign, _) = await app.CreateCampaignAsync();
        var (user, token, tokenId) = await CreatorWithTokenAsync();
        using var client = TokenClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("api/v1/query", CountQuery(campaign))).StatusCode);

        await app.Services.GetRequiredService<PersonalTokens>().RevokeAsync(new Actor(user.Id, user.Email, false), tokenId);
        var revoked = await client.PostAsJsonAsync("api/v1/query", CountQuery(campaign));
        using var forged = TokenClient(PersonalTokens.Prefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        var unknown = await forged.PostAsJsonAsync("api/v1/query", CountQuery(campaign));

        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("invalid_token", revoked.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task PostQuery_TokenOfLockedAccount_Unauthorized()
    {
        var (campaign, _) = await app.CreateCampaignAsync();
        var (user, token, _) = await CreatorWithTokenAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CrowdstartUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id.ToString()))!, DateTimeOffset.UtcNow.AddHours(1));
        }
        using var client = TokenClient(token);

        var response = await client.PostAsJsonAsync("api/v1/query", CountQuery(campaign));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PostQuery_TokenMadeBeforeThePasswordChanged_Unauthorized()
    {
        // A stolen session must not leave a working token behind once the owner changes the password.
        var (campaign, _) = await app.CreateCampaignAsync();
        var (user, token, _) = await CreatorWithTokenAsync();
        using var client = TokenClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("api/v1/query", CountQuery(campaign))).StatusCode);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CrowdstartUser>>();
            var account = (await users.FindByIdAsync(user.Id.ToString()))!;
            Assert.True((await users.ChangePasswordAsync(account, user.Password, "a-brand-new-password-42")).Succeeded);
        }

        var response = await client.PostAsJsonAsync("api/v1/query", CountQuery(campaign));
        var listed = await app.Services.GetRequiredService<PersonalTokens>().ListAsync(new Actor(user.Id, user.Email, false));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(Assert.Single(listed).Superseded);
    }

    [Fact]
    public async Task PostQuery_NullListsInTheBody_TreatedAsEmpty()
    {
        var (campaign, _) = await app.CreateCampaignAsync();
        var (_, token, _) = await CreatorWithTokenAsync();
        using var client = TokenClient(token);

        var response = await client.PostAsync("api/v1/query", new StringContent(
            $$"""{"campaigns":["{{campaign}}"],"groupBy":null,"filters":null,"types":null,"measures":["count"]}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StreamSnapshots_WithToken_StreamsUntilTheTokenIsRevoked()
    {
        // Arrange
        var (campaign, _) = await app.CreateCampaignAsync(name: "Token hub lamp");
        var (user, token, tokenId) = await CreatorWithTokenAsync();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseAddress, CampaignHub.Route.TrimStart('/')), HttpTransportType.WebSockets,
                o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await connection.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // Act
        var listed = await connection.InvokeAsync<IReadOnlyList<CampaignSummary>>(nameof(CampaignHub.ListCampaigns), cts.Token);
        await using (var snapshots = connection.StreamAsync<CampaignSnapshotMessage>(nameof(CampaignHub.StreamSnapshots), campaign, cts.Token).GetAsyncEnumerator(cts.Token))
        {
            Assert.True(await snapshots.MoveNextAsync());
            Assert.Equal(campaign, snapshots.Current.CampaignId);
        }
        await app.Services.GetRequiredService<PersonalTokens>().RevokeAsync(new Actor(user.Id, user.Email, false), tokenId);
        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<IReadOnlyList<CampaignSummary>>(nameof(CampaignHub.ListCampaigns), cts.Token));

        // Assert: the open connection's next call checks the token again
        Assert.Contains(listed, c => c.Id == campaign);
        Assert.Contains("sign in again", error.Message);
    }
}
