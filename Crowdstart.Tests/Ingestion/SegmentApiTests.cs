using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Ingestion;

/// <summary>
/// The Segment HTTP Tracking API endpoints against the running app: write key in the body or as Basic auth, answers
/// as Segment's (200, 400, 401, 503 with Retry-After), messageId idempotency, limits, and refusals listed with their
/// reasons for the campaign's managers, never with the values that were refused.
/// </summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class SegmentApiTests(AppFixture app)
{
    private static string Now(int secondsAgo = 5) => DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).ToString("O");

    private static JsonObject Track(string name, string user = "seg-u1", JsonObject? properties = null, string? messageId = null) => new()
    {
        ["type"] = "track",
        ["event"] = name,
        ["userId"] = user,
        ["messageId"] = messageId ?? Guid.NewGuid().ToString(),
        ["timestamp"] = Now(),
        ["properties"] = properties ?? new JsonObject(),
    };

    private async Task<HttpResponseMessage> PostAsync(string route, JsonNode body, string? basicKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route.TrimStart('/'))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (basicKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basicKey + ":")));
        }
        return await app.Client.SendAsync(request);
    }

    private static JsonObject Batch(string? writeKey, params JsonNode[] messages) => new()
    {
        ["batch"] = new JsonArray(messages),
        ["writeKey"] = writeKey,
        ["sentAt"] = Now(0),
    };

    private Task<long> LoggedAsync(Guid campaign) => app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}'");

    private async Task<(Guid Campaign, string Key, HttpClient Manager)> CampaignWithManagerAsync()
    {
        var organisation = await app.CreateOrganisationAsync("Segment org");
        var creator = await app.CreateUserAsync(Roles.Creator, organisation);
        var (campaign, key) = await app.CreateCampaignAsync(organisationId: organisation);
        return (campaign, key, await app.SignInAsync(creator));
    }

    private async Task<List<JsonElement>> RejectedAsync(HttpClient manager, Guid campaign)
    {
        await app.Services.GetRequiredService<IngestActivity>().FlushAsync();
        var body = await manager.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/rejected-events");
        return [.. body.EnumerateArray()];
    }

    [Fact]
    public async Task Batch_WriteKeyInBody_200AndEventsLogged()
    {
        // Arrange
        var (campaign, key) = await app.CreateCampaignAsync();
        var page = new JsonObject { ["type"] = "page", ["anonymousId"] = "anon-1", ["timestamp"] = Now(), ["messageId"] = "p-1" };
        var order = Track("Order Completed", properties: new JsonObject { ["total"] = 49, ["currency"] = "EUR", ["product_id"] = "early_bird" });
        var identify = new JsonObject { ["type"] = "identify", ["userId"] = "seg-u1", ["traits"] = new JsonObject { ["email"] = "ada@example.com" } };

        // Act
        var response = await PostAsync("/v1/batch", Batch(key, page, order, identify));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("success").GetBoolean());
        Assert.Equal(2L, await LoggedAsync(campaign));
        Assert.Equal(49m, await app.Database.ScalarAsync<decimal>($"SELECT amount FROM event_log WHERE campaign_id = '{campaign}' AND type = 'pledge_completed'"));
        // The identify's traits are nowhere.
        Assert.Empty(await PiiCorpus.ScanAsync(app.Database.DataSource));
    }

    [Theory]
    [InlineData("/v1/track")]
    [InlineData("/v1/page")]
    public async Task SingleCall_BasicAuthKey_200AndLogged(string route)
    {
        // Arrange
        var (campaign, key) = await app.CreateCampaignAsync();
        JsonNode message = route == "/v1/page"
            ? new JsonObject { ["anonymousId"] = "anon-2", ["timestamp"] = Now(), ["sentAt"] = Now(0) }
            : new JsonObject { ["event"] = "Product Viewed", ["userId"] = "u-2", ["properties"] = new JsonObject { ["product_id"] = "deluxe" } };

        // Act
        var response = await PostAsync(route, message, basicKey: key);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1L, await LoggedAsync(campaign));
    }

    [Fact]
    public async Task Identify_WithTraits_200AndNothingStored()
    {
        // Arrange
        var (campaign, key) = await app.CreateCampaignAsync();

        // Act
        var response = await PostAsync("/v1/identify",
            new JsonObject { ["userId"] = "u-3", ["writeKey"] = key, ["traits"] = new JsonObject { ["email"] = "grace@example.com", ["phone"] = "+44 20 7946 0958" } });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0L, await LoggedAsync(campaign));
        Assert.Empty(await PiiCorpus.ScanAsync(app.Database.DataSource));
    }

    [Theory]
    [InlineData("cs_live_0000000000000000000000000000")]
    [InlineData(null)]
    public async Task Batch_WrongOrMissingKey_401WithReason(string? writeKey)
    {
        // Act
        var response = await PostAsync("/v1/batch", Batch(writeKey, Track("Order Completed")));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("write key", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Batch_SameMessageIdTwice_StoredOnce()
    {
        // Arrange
        var (campaign, key) = await app.CreateCampaignAsync();
        var message = Track("Checkout Started", messageId: "node-next-1733480000-dup");

        // Act
        var first = await PostAsync("/v1/batch", Batch(key, message.DeepClone()));
        var again = await PostAsync("/v1/batch", Batch(key, message.DeepClone(), message.DeepClone()));

        // Assert
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1L, await LoggedAsync(campaign));
    }

    [Fact]
    public async Task Batch_Over500KB_400()
    {
        // Arrange
        var (campaign, key) = await app.CreateCampaignAsync();
        var messages = Enumerable.Range(0, 40).Select(i => (JsonNode)Track("Product Viewed", properties: new JsonObject { ["note"] = new string('x', 14_000) })).ToArray();

        // Act
        var response = await PostAsync("/v1/batch", Batch(key, messages));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("500 KB", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(0L, await LoggedAsync(campaign));
    }

    [Fact]
    public async Task Batch_MessageOver32KB_200OthersKeptAndRejectionListed()
    {
        // Arrange
        var (campaign, key, manager) = await CampaignWithManagerAsync();
        var big = Track("Product Viewed", properties: new JsonObject { ["note"] = new string('x', 33_000) });

        // Act
        var response = await PostAsync("/v1/batch", Batch(key, big, Track("Product Viewed", user: "u-ok")));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1L, await LoggedAsync(campaign));
        var rejected = Assert.Single(await RejectedAsync(manager, campaign));
        Assert.Equal("segment", rejected.GetProperty("channel").GetString());
        Assert.Contains("32 KB", rejected.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("{\"batch\": [")]
    [InlineData("[1,2]")]
    [InlineData("{\"writeKey\": \"KEY\"}")]
    public async Task Batch_MalformedBody_400(string body)
    {
        // Arrange
        var (_, key) = await app.CreateCampaignAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/batch")
        {
            Content = new StringContent(body.Replace("KEY", key, StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));

        // Act
        var response = await app.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Batch_UnmappableAndPersonalData_200AndReasonsListedWithoutValues()
    {
        // Arrange
        var (campaign, key, manager) = await CampaignWithManagerAsync();
        var unknown = Track("Signed Up");
        var email = Track("Product Viewed", user: "ada.lovelace@example.com");

        // Act
        var response = await PostAsync("/v1/batch", Batch(key, unknown, email));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0L, await LoggedAsync(campaign));
        var rejected = await RejectedAsync(manager, campaign);
        Assert.Equal(2, rejected.Count);
        Assert.Contains(rejected, r => r.GetProperty("eventName").GetString() == "track \"Signed Up\"" && r.GetProperty("field").GetString() == "event");
        Assert.Contains(rejected, r => r.GetProperty("field").GetString() == "userId" && r.GetProperty("reason").GetString()!.Contains(Crowdstart.Pipeline.Privacy.PiiScanner.Email));
        Assert.DoesNotContain("ada.lovelace", string.Join("\n", rejected.Select(r => r.GetRawText())));
        Assert.Empty(await PiiCorpus.ScanAsync(app.Database.DataSource));
    }

    [Fact]
    public async Task Batch_WhilePaused_503WithRetryAfter()
    {
        // Arrange
        var (campaign, key) = await app.CreateCampaignAsync();
        var admission = app.Services.GetRequiredService<IngestAdmission>();
        admission.Pause(TimeSpan.FromSeconds(30));
        HttpResponseMessage response;
        try
        {
            // Act
            response = await PostAsync("/v1/batch", Batch(key, Track("Product Viewed")));
        }
        finally
        {
            admission.Pause(TimeSpan.Zero);
        }

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 30);
        Assert.Equal(0L, await LoggedAsync(campaign));
    }

    [Fact]
    public async Task SegmentMappings_CustomName_MapsAndIgnores()
    {
        // Arrange
        var (campaign, key, manager) = await CampaignWithManagerAsync();
        var put = await manager.PutAsJsonAsync($"api/v1/campaigns/{campaign}/segment-mappings",
            new { mappings = new[] { new { @event = "Backed Project", type = "pledge_completed" }, new { @event = "Signed Up", type = "ignore" } } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        // Act
        var response = await PostAsync("/v1/batch", Batch(key,
            Track("Backed Project", properties: new JsonObject { ["revenue"] = 30, ["currency"] = "EUR" }), Track("Signed Up")));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1L, await LoggedAsync(campaign));
        Assert.Empty(await RejectedAsync(manager, campaign));
        var listed = await manager.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/segment-mappings");
        Assert.Equal(2, listed.GetArrayLength());
    }

    [Fact]
    public async Task SegmentMappings_UnknownType_ValidationProblem()
    {
        // Arrange
        var (campaign, _, manager) = await CampaignWithManagerAsync();

        // Act
        var put = await manager.PutAsJsonAsync($"api/v1/campaigns/{campaign}/segment-mappings",
            new { mappings = new[] { new { @event = "Backed Project", type = "purchase" } } });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("mappings[0].type", await put.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OwnApi_RejectedEvent_ListedAndKeyLastEventSet()
    {
        // Arrange
        var (campaign, key, manager) = await CampaignWithManagerAsync();
        var bad = new { eventId = Guid.NewGuid(), type = "pledge_completed", campaignId = campaign, customerId = "c-1", sessionId = "s-1",
            occurredAt = Now(), source = "direct", amount = 10, currency = "USD" };

        // Act
        var response = await app.PostEventsAsync(key, new[] { bad });

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var rejected = Assert.Single(await RejectedAsync(manager, campaign));
        Assert.Equal("api", rejected.GetProperty("channel").GetString());
        Assert.Equal("pledge_completed", rejected.GetProperty("eventName").GetString());
        Assert.Equal("currency", rejected.GetProperty("field").GetString());
        var keys = await manager.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/keys");
        Assert.Equal(JsonValueKind.String, keys[0].GetProperty("lastEventAt").ValueKind);
    }

    [Fact]
    public async Task RejectedEvents_ManyRequests_OnlyTheLast50Kept()
    {
        // Arrange
        var (campaign, key, manager) = await CampaignWithManagerAsync();

        // Act: 3 requests of 30 unmappable events each
        for (var r = 0; r < 3; r++)
        {
            var response = await PostAsync("/v1/batch", Batch(key, [.. Enumerable.Range(0, 30).Select(i => (JsonNode)Track($"Custom {r}-{i}"))]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await app.Services.GetRequiredService<IngestActivity>().FlushAsync();
        }

        // Assert: the newest 50, newest first
        var rejected = await RejectedAsync(manager, campaign);
        Assert.Equal(50, rejected.Count);
        Assert.Equal("track \"Custom 2-29\"", rejected[0].GetProperty("eventName").GetString());
        Assert.Equal(50L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM ingest_rejections WHERE campaign_id = '{campaign}'"));
    }

    [Fact]
    public async Task RejectedEvents_OtherOrganisation_Forbidden()
    {
        // Arrange
        var (campaign, _, _) = await CampaignWithManagerAsync();
        var (_, _, stranger) = await CampaignWithManagerAsync();

        // Act
        var response = await stranger.GetAsync($"api/v1/campaigns/{campaign}/rejected-events");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
