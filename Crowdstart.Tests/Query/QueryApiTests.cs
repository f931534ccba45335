using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Query;

/// <summary><c>POST /api/v1/query</c> against the running app.</summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class QueryApiTests(AppFixture app)
{
    [Fact]
    public async Task PostQuery_ValidQuery_AnswersColumnsAndRows()
    {
        var (campaign, key) = await app.CreateCampaignAsync();
        var at = DateTimeOffset.UtcNow.AddSeconds(-30).ToString("O");
        (await app.PostEventsAsync(key, new[]
        {
            new { eventId = Guid.NewGuid(), type = "page_view", campaignId = campaign, customerId = "qa-1", sessionId = "s", occurredAt = at, source = "social:reddit" },
            new { eventId = Guid.NewGuid(), type = "page_view", campaignId = campaign, customerId = "qa-2", sessionId = "s", occurredAt = at, source = "direct" },
            new { eventId = Guid.NewGuid(), type = "page_view", campaignId = campaign, customerId = "qa-3", sessionId = "s", occurredAt = at, source = "social:reddit" },
        })).EnsureSuccessStatusCode();
        using var client = await app.SignInAsync(await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId));

        var response = await client.PostAsJsonAsync("api/v1/query", new { campaigns = new[] { campaign }, groupBy = new[] { "source" }, measures = new[] { "count", "unique_customers" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["source", "count", "unique_customers"], body.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var rows = body.GetProperty("rows").EnumerateArray().Select(r => string.Join("|", r.EnumerateArray().Select(v => v.ToString()))).ToList();
        Assert.Equal(["social:reddit|2|2", "direct|1|1"], rows);
        Assert.False(body.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task PostQuery_BadAndHostileQuery_ValidationProblemNamingEachField()
    {
        var (campaign, key) = await app.CreateCampaignAsync();
        (await app.PostEventsAsync(key, new[]
        {
            new { eventId = Guid.NewGuid(), type = "page_view", campaignId = campaign, customerId = "qh-1", sessionId = "s", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-30).ToString("O"), source = "direct" },
        })).EnsureSuccessStatusCode();
        using var client = await app.SignInAsync(await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId));

        var response = await client.PostAsJsonAsync("api/v1/query", new
        {
            campaigns = new[] { campaign },
            groupBy = new[] { "source; DROP TABLE event_log" },
            filters = new[] { new { field = "property:x'--", op = "eq", values = new[] { "1" } } },
            measures = new[] { "count" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("groupBy[0]", out _));
        Assert.True(errors.TryGetProperty("filters[0].field", out _));
        // The injected statement ran nowhere: the log and the campaign's one event are still there.
        Assert.Equal(1L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}'"));
    }
}
