using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Security;

/// <summary>
/// Share links against the running app: created and revoked by the campaign's managers only, the token is 256 random
/// bits stored as a hash, the wall view opens without an account and shows the campaign's aggregates and nothing else
/// (no customer ids, no other campaign, no links into the app, no access to any other route), and stops at once when
/// the link is revoked or expires.
/// </summary>
[Collection(AppCollection.Name)]
[Layer(TestLayer.App)]
public class ShareLinkTests(AppFixture app)
{
    private async Task<(Guid Campaign, string Name, Guid Other, string OtherName, TestUser Creator, TestUser Outsider)> CampaignsAsync()
    {
        var organisation = await app.CreateOrganisationAsync("Share org");
        var creator = await app.CreateUserAsync(Roles.Creator, organisation);
        var outsider = await app.CreateUserAsync(Roles.Creator, await app.CreateOrganisationAsync("Share outsiders"));
        var name = "Beacon " + Guid.NewGuid().ToString("N")[..6];
        var otherName = "Hidden sibling " + Guid.NewGuid().ToString("N")[..6];
        var (campaign, key) = await app.CreateCampaignAsync(name: name, organisationId: organisation);
        var (other, otherKey) = await app.CreateCampaignAsync(name: otherName, organisationId: organisation);
        var at = DateTimeOffset.UtcNow.AddMinutes(-3).ToString("O");
        foreach (var (id, k) in new[] { (campaign, key), (other, otherKey) })
        {
            (await app.PostEventsAsync(k, new object[]
            {
                new { eventId = Guid.NewGuid(), type = EventTypes.PageView, campaignId = id, customerId = $"cust-secret-{id:N}", sessionId = "s-1", occurredAt = at, source = "direct" },
                new { eventId = Guid.NewGuid(), type = EventTypes.PledgeCompleted, campaignId = id, customerId = $"cust-secret-{id:N}", sessionId = "s-1", occurredAt = at,
                    source = "direct", amount = 1234m, currency = "EUR" },
            })).EnsureSuccessStatusCode();
        }
        await app.WaitForPipelineAsync();
        return (campaign, name, other, otherName, creator, outsider);
    }

    private async Task<(Guid Id, string Token, string Url)> CreateLinkAsync(HttpClient client, Guid campaign, int days = 7)
    {
        using var response = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/share-links", new { label = "Office TV", days });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetGuid(), created.GetProperty("token").GetString()!, created.GetProperty("url").GetString()!);
    }

    [Fact]
    public async Task Create_TokenIs256RandomBitsStoredOnlyAsItsHashAndAudited()
    {
        // Arrange
        var (campaign, _, _, _, creator, _) = await CampaignsAsync();
        using var client = await app.SignInAsync(creator);

        // Act
        var (id, token, url) = await CreateLinkAsync(client, campaign);
        var list = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/share-links");

        // Assert
        Assert.StartsWith(ShareLinks.TokenPrefix, token);
        Assert.Equal(32, Convert.FromBase64String(token[ShareLinks.TokenPrefix.Length..].Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.EndsWith("/share/" + token, url);
        var storedHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        Assert.Equal(storedHash, await app.Database.ScalarAsync<string>($"SELECT upper(encode(token_hash, 'hex')) FROM share_links WHERE id = '{id}'"));
        Assert.Equal(0L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM share_links WHERE share_links::text LIKE '%{token[ShareLinks.TokenPrefix.Length..]}%'"));
        Assert.DoesNotContain(token, list.GetRawText());
        Assert.Equal(1L, await app.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE campaign_id = '{campaign}' AND action = '{AuditActions.ShareLinkCreated}'"));
    }

    [Fact]
    public async Task Create_InvalidDurationOrOutsider_ValidationProblemOrRefused()
    {
        // Arrange
        var (campaign, _, _, _, creator, outsider) = await CampaignsAsync();
        using var client = await app.SignInAsync(creator);
        using var stranger = await app.SignInAsync(outsider);

        // Act
        using var tooLong = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/share-links", new { label = "forever", days = ShareLinks.MaxDays + 1 });
        using var foreign = await stranger.PostAsJsonAsync($"api/v1/campaigns/{campaign}/share-links", new { label = "mine now", days = 1 });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await tooLong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("days", out _));
        Assert.True(foreign.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound);
        Assert.Equal(0L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM share_links WHERE campaign_id = '{campaign}'"));
    }

    [Fact]
    public async Task WallView_WithoutSignIn_ShowsAggregatesOnlyAndNothingElse()
    {
        // Arrange
        var (campaign, name, other, otherName, creator, _) = await CampaignsAsync();
        using var client = await app.SignInAsync(creator);
        var (_, token, _) = await CreateLinkAsync(client, campaign);
        using var anonymous = app.NewCookieClient();

        // Act
        using var page = await anonymous.GetAsync($"share/{token}");
        var html = await page.Content.ReadAsStringAsync();
        using var campaignPage = await anonymous.GetAsync($"campaigns/{campaign}");
        using var apiWithToken = new HttpRequestMessage(HttpMethod.Get, $"api/v1/campaigns/{campaign}/snapshot");
        apiWithToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var api = await anonymous.SendAsync(apiWithToken);
        using var otherApi = await anonymous.GetAsync($"api/v1/campaigns/{other}/snapshot");

        // Assert: the figures are there...
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(name), html);
        Assert.Contains("1,234", html);
        Assert.Contains("data-testid=\"share-pledged\"", html);
        // ...and nothing else: no customer, no sibling campaign, no way into the app, no session.
        Assert.DoesNotContain("cust-secret", html);
        Assert.DoesNotContain(otherName, html);
        Assert.DoesNotContain(other.ToString(), html);
        Assert.DoesNotContain(campaign.ToString(), html);
        Assert.DoesNotContain("href=\"/campaigns", html);
        Assert.DoesNotContain("/api/v1", html);
        Assert.DoesNotContain("cs_live_", html);
        Assert.Empty(page.Headers.Where(h => h.Key == "Set-Cookie").SelectMany(h => h.Value).Where(c => c.Contains("Identity", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Redirect, campaignPage.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherApi.StatusCode);
    }

    [Fact]
    public async Task WallView_RevokedExpiredOrUnknownToken_ShowsNoFigures()
    {
        // Arrange
        var (campaign, name, _, _, creator, _) = await CampaignsAsync();
        using var client = await app.SignInAsync(creator);
        var (revokedId, revoked, _) = await CreateLinkAsync(client, campaign);
        var (expiredId, expired, _) = await CreateLinkAsync(client, campaign);
        await app.Database.ScalarAsync<int>($"WITH u AS (UPDATE share_links SET expires_at = now() - interval '1 second' WHERE id = '{expiredId}' RETURNING 1) SELECT count(*)::int FROM u");
        using var anonymous = app.NewCookieClient();
        var before = await anonymous.GetStringAsync($"share/{revoked}");

        // Act
        using var revoke = await client.DeleteAsync($"api/v1/campaigns/{campaign}/share-links/{revokedId}");
        var pages = new[]
        {
            await anonymous.GetStringAsync($"share/{revoked}"),
            await anonymous.GetStringAsync($"share/{expired}"),
            await anonymous.GetStringAsync($"share/{ShareLinks.TokenPrefix}{new string('A', 43)}"),
            await anonymous.GetStringAsync($"share/{revoked[..^1]}"),
        };

        // Assert
        Assert.Contains(WebUtility.HtmlEncode(name), before);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.All(pages, html =>
        {
            Assert.Contains("data-testid=\"share-invalid\"", html);
            Assert.DoesNotContain(WebUtility.HtmlEncode(name), html);
            Assert.DoesNotContain("1,234", html);
        });
        Assert.Equal(1L, await app.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE campaign_id = '{campaign}' AND action = '{AuditActions.ShareLinkRevoked}'"));
    }
}
