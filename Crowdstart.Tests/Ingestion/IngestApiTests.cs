using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Ingestion;

[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class IngestApiTests(AppFixture app)
{
    private static object PageView(Guid campaign, string customer = "c-1", Guid? id = null, string? occurredAt = null) => new
    {
        eventId = id ?? Guid.NewGuid(),
        type = "page_view",
        campaignId = campaign,
        customerId = customer,
        sessionId = "s-1",
        occurredAt = occurredAt ?? DateTimeOffset.UtcNow.AddSeconds(-5).ToString("O"),
        source = "social:twitter",
    };

    private static object Pledge(Guid campaign, decimal amount, string customer = "c-1") => new
    {
        eventId = Guid.NewGuid(),
        type = "pledge_completed",
        campaignId = campaign,
        customerId = customer,
        sessionId = "s-1",
        occurredAt = DateTimeOffset.UtcNow.AddSeconds(-3).ToString("O"),
        source = "direct",
        amount,
        currency = "EUR",
        properties = new { reward = "early_bird" },
    };

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Post_MixedValidAndInvalidEvents_Returns202AndListsEachRejection()
    {
        var (campaign, key) = await app.CreateCampaignAsync();
        var bad = new { eventId = "nope", type = "page_view", campaignId = campaign, customerId = "a@b.com", sessionId = "s", occurredAt = "2026-01-01T00:00:00Z", source = "direct" };

        var response = await app.PostEventsAsync(key, new object[] { PageView(campaign), bad, Pledge(campaign, 49m) });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("duplicates").GetInt32());
        var rejected = body.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, r => Assert.Equal(1, r.GetProperty("index").GetInt32()));
        Assert.Contains(rejected, r => r.GetProperty("field").GetString() == "eventId");
        Assert.Contains(rejected, r => r.GetProperty("field").GetString() == "customerId" && r.GetProperty("reason").GetString()!.Contains("email"));
        Assert.Equal(2, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}'"));
    }

    [Fact]
    public async Task Post_NdjsonWithOneBrokenLine_AcceptsTheOthers()
    {
        var (campaign, key) = await app.CreateCampaignAsync();
        var lines = string.Join('\n', JsonSerializer.Serialize(PageView(campaign)), "{not json", JsonSerializer.Serialize(PageView(campaign, "c-2")));

        var response = await app.PostRawAsync(key, lines, "application/x-ndjson");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        var error = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, error.GetProperty("index").GetInt32());
        Assert.Equal("$", error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Post_SameEventIdInTwoRequests_IsStoredAndCountedOnce()
    {
        var (campaign, key) = await app.CreateCampaignAsync();
        var id = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow.AddSeconds(-10).ToString("O");

        var first = await JsonAsync(await app.PostEventsAsync(key, new[] { PageView(campaign, id: id, occurredAt: at) }));
        var second = await JsonAsync(await app.PostEventsAsync(key, new[] { PageView(campaign, id: id, occurredAt: at), PageView(campaign, "c-9") }));
        await app.WaitForPipelineAsync();

        Assert.Equal(0, first.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, second.GetProperty("duplicates").GetInt32());
        Assert.Equal(2, second.GetProperty("accepted").GetInt32());
        Assert.Equal(1, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE event_id = '{id}'"));
        Assert.Equal(2, await app.Database.ScalarAsync<long>($"SELECT sum(page_views)::bigint FROM campaign_minute_rollups WHERE campaign_id = '{campaign}'"));
    }

    [Fact]
    public async Task Post_EventsOfManyCustomers_PipelineRollupsEqualRecomputationFromLog()
    {
        var (campaign, key) = await app.CreateCampaignAsync();
        var events = Enumerable.Range(0, 300)
            .Select(i => i % 5 == 0 ? Pledge(campaign, 10m + i, $"c-{i % 37}") : PageView(campaign, $"c-{i % 37}"))
            .ToArray();

        var response = await app.PostEventsAsync(key, events);
        await app.WaitForPipelineAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var expected = (await RollupOracle.RecomputeAsync(app.Database.DataSource)).Where(r => r.Campaign == campaign).ToList();
        var stored = (await RollupOracle.StoredAsync(app.Database.DataSource)).Where(r => r.Campaign == campaign).ToList();
        Assert.Equal(300, expected.Sum(r => r.PageViews + r.PledgesCompleted));
        Assert.Equal(expected, stored);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("cs_live_unknown-key-000000000000")]
    public async Task Post_MissingOrUnknownKey_Returns401Problem(string? key)
    {
        var response = await app.PostEventsAsync(key, new[] { PageView(Guid.NewGuid()) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Post_KeyOfAnotherCampaign_CannotWriteToThisCampaign()
    {
        var (victim, _) = await app.CreateCampaignAsync();
        var (_, otherKey) = await app.CreateCampaignAsync();

        var response = await app.PostEventsAsync(otherKey, new[] { PageView(victim) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await JsonAsync(response);
        var error = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal("campaignId", error.GetProperty("field").GetString());
        Assert.Equal(0, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{victim}'"));
    }

    [Fact]
    public async Task Post_MalformedJson_Returns400ProblemNamingTheProblem()
    {
        var (_, key) = await app.CreateCampaignAsync();

        var response = await app.PostRawAsync(key, "[{\"eventId\": ", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_TooManyEvents_Returns413()
    {
        var (campaign, key) = await app.CreateCampaignAsync();

        var response = await app.PostEventsAsync(key, Enumerable.Range(0, 1001).Select(i => PageView(campaign, $"c-{i}")).ToArray());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1000 events", (await JsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Post_BodyOverOneMegabyte_Returns413()
    {
        var (_, key) = await app.CreateCampaignAsync();
        var huge = "[" + new string(' ', 1024 * 1024) + "]";

        var response = await app.PostRawAsync(key, huge, "application/json");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_WrongContentType_Returns415()
    {
        var (_, key) = await app.CreateCampaignAsync();

        var response = await app.PostRawAsync(key, "x=1", "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Post_MangledBodies_NeverAnswer5xx()
    {
        // Truncations, byte flips and junk spliced into a valid batch: every answer must be a 2xx or a 4xx.
        var (campaign, key) = await app.CreateCampaignAsync();
        var valid = JsonSerializer.Serialize(new[] { PageView(campaign), Pledge(campaign, 12.5m), PageView(campaign, "c-3") });
        var random = new Random(42);
        string[] junk = ["\u0000", "\\", "\"", "{", "]", "null", "1e999", "-0", "\ud800", "\u00e9", "\n", "[[[[[[[[[[[[[[[[[[[["];
        var statuses = new List<int>();

        for (var i = 0; i < 150; i++)
        {
            var chars = valid.ToCharArray().ToList();
            switch (i % 3)
            {
                case 0:
                    chars = chars.Take(random.Next(chars.Count)).ToList();
                    break;
                case 1:
                    chars[random.Next(chars.Count)] = (char)random.Next(0, 0x2FF);
                    break;
                default:
                    chars.InsertRange(random.Next(chars.Count), junk[random.Next(junk.Length)]);
                    break;
            }
            var body = new string(chars.ToArray());
            var response = await app.PostRawAsync(key, body, i % 2 == 0 ? "application/json" : "application/x-ndjson");
            statuses.Add((int)response.StatusCode);
        }

        Assert.All(statuses, s => Assert.InRange(s, 200, 499));
        Assert.Contains(statuses, s => s == 202);
        Assert.Contains(statuses, s => s is >= 400 and < 500);
    }

    [Theory]
    [InlineData("", "application/json", 400)]
    [InlineData("", "application/x-ndjson", 400)]
    [InlineData("""[{"eventId": "\ud800"}]""", "application/json", 422)]
    [InlineData("""[{"type": "page_view", "properties": {"x": "\u0000"}}]""", "application/json", 422)]
    [InlineData("""[{"properties": {"x": 1e1001}}]""", "application/json", 422)]
    [InlineData("[" + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" + "]", "application/json", 400)]
    public async Task Post_HostileBody_Answers4xxProblem(string body, string contentType, int status)
    {
        var (_, key) = await app.CreateCampaignAsync();

        var response = await app.PostRawAsync(key, body, contentType);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_DemoKeyAfterDemoModeEnds_IsRefused()
    {
        var services = app.Services;
        var store = (Crowdstart.Pipeline.Storage.CampaignStore)services.GetService(typeof(Crowdstart.Pipeline.Storage.CampaignStore))!;
        var auth = (IngestKeyAuthenticator)services.GetService(typeof(IngestKeyAuthenticator))!;
        var demo = Crowdstart.Pipeline.Demo.DemoCampaigns.All[0];
        if (await store.FindCampaignAsync(demo.Id) is null)
        {
            await store.CreateCampaignAsync(app.Database.OrganisationId, demo.Slug, demo.Name, demo.Currency, demo.Goal, DateTimeOffset.UtcNow, demo.Id);
        }
        await store.EnsureKeyAsync(demo.Id, "demo traffic", demo.IngestKey);
        auth.Invalidate();
        var before = await app.PostEventsAsync(demo.IngestKey, new[] { PageView(demo.Id) });

        await Crowdstart.Pipeline.Demo.DemoCampaigns.RevokeKeysAsync(store, default);
        auth.Invalidate();
        var after = await app.PostEventsAsync(demo.IngestKey, new[] { PageView(demo.Id) });

        Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownApiRoute_Returns404ProblemDetails()
    {
        var response = await app.Client.GetAsync("api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesTheIngestRoute()
    {
        var doc = await app.Client.GetFromJsonAsync<JsonElement>("openapi/v1.json");

        var post = doc.GetProperty("paths").GetProperty("/api/v1/events").GetProperty("post");
        Assert.True(post.GetProperty("responses").TryGetProperty("202", out _));
    }

    [Fact]
    public async Task Post_ManyWrongKeysFromOneAddress_ThatAddressGets429WhileOthersKeepWorking()
    {
        var (campaign, key) = await app.CreateCampaignAsync();
        var limit = app.Services.GetRequiredService<IOptions<Crowdstart.Pipeline.Ingestion.IngestionOptions>>().Value.FailedKeyAttemptsPerWindow;
        // Every test calls from loopback, and the app honours X-Forwarded-For from loopback proxies: this test guesses
        // from an address no other test uses, so the rest of the suite is not throttled.
        const string guesser = "198.51.100.7", honest = "203.0.113.9";
        Task<HttpResponseMessage> PostFrom(string address, string bearer)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events") { Content = JsonContent.Create(new[] { PageView(campaign) }) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            request.Headers.Add("X-Forwarded-For", address);
            return app.Client.SendAsync(request);
        }
        for (var i = 0; i < limit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostFrom(guesser, $"cs_live_guess-{Guid.NewGuid():N}")).StatusCode);
        }

        var refused = await PostFrom(guesser, $"cs_live_guess-{Guid.NewGuid():N}");
        var refusedValid = await PostFrom(guesser, key);
        var other = await PostFrom(honest, key);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 says when to retry");
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedValid.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }
}
