using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Alerts;

/// <summary>
/// The alert and audit routes against the running app: domain errors reach clients as ProblemDetails through the one
/// exception handler (no message comparisons), and the bodies are DTOs with a fixed set of fields, not entities.
/// </summary>
[Collection(AppCollection.Name)]
[Layer(TestLayer.App)]
public class AlertApiTests(AppFixture app)
{
    private async Task<(Guid Campaign, TestUser Creator)> CampaignWithCreatorAsync()
    {
        var organisation = await app.CreateOrganisationAsync("Alert API org");
        var creator = await app.CreateUserAsync(Roles.Creator, organisation);
        var (campaign, _) = await app.CreateCampaignAsync(organisationId: organisation);
        return (campaign, creator);
    }

    private async Task<Guid> InsertAlertAsync(Guid campaign, string status)
    {
        var alert = Guid.NewGuid();
        await app.Database.ScalarAsync<int>(
            "WITH a AS (INSERT INTO alerts (id, campaign_id, detector, scope, status, severity, message, value, baseline_low, baseline_high, opened_at, updated_at) " +
            $"VALUES ('{alert}', '{campaign}', 'traffic_drop', 'campaign', '{status}', 'Warning', 'alert api test', 1, 2, 3, now(), now()) RETURNING 1) SELECT count(*)::int FROM a");
        return alert;
    }

    [Fact]
    public async Task Acknowledge_UnknownAlert_NotFoundProblem()
    {
        // Arrange
        var (campaign, creator) = await CampaignWithCreatorAsync();
        using var client = await app.SignInAsync(creator);

        // Act
        using var response = await client.PostAsync($"api/v1/campaigns/{campaign}/alerts/{Guid.NewGuid()}/acknowledge", null);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Equal("Unknown alert.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Acknowledge_AlertOfAnotherCampaign_NotFoundAndTheAlertStaysOpen()
    {
        // Arrange: the alert exists, but not in the campaign named in the route
        var (campaign, creator) = await CampaignWithCreatorAsync();
        var (other, _) = await CampaignWithCreatorAsync();
        var alert = await InsertAlertAsync(other, "open");
        using var client = await app.SignInAsync(creator);

        // Act
        using var response = await client.PostAsync($"api/v1/campaigns/{campaign}/alerts/{alert}/acknowledge", null);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("open", await app.Database.ScalarAsync<string>($"SELECT status FROM alerts WHERE id = '{alert}'"));
    }

    [Fact]
    public async Task Acknowledge_ResolvedAlert_ConflictProblem()
    {
        // Arrange
        var (campaign, creator) = await CampaignWithCreatorAsync();
        var alert = await InsertAlertAsync(campaign, "resolved");
        using var client = await app.SignInAsync(creator);

        // Act
        using var response = await client.PostAsync($"api/v1/campaigns/{campaign}/alerts/{alert}/acknowledge", null);

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(409, problem.GetProperty("status").GetInt32());
        Assert.Contains("already", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Resolve_ResolvedAlert_ConflictProblem()
    {
        var (campaign, creator) = await CampaignWithCreatorAsync();
        var alert = await InsertAlertAsync(campaign, "resolved");
        using var client = await app.SignInAsync(creator);

        using var response = await client.PostAsync($"api/v1/campaigns/{campaign}/alerts/{alert}/resolve", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Acknowledge_OpenAlert_OkWithTheAlertDto()
    {
        // Arrange
        var (campaign, creator) = await CampaignWithCreatorAsync();
        var alert = await InsertAlertAsync(campaign, "open");
        using var client = await app.SignInAsync(creator);

        // Act
        using var response = await client.PostAsync($"api/v1/campaigns/{campaign}/alerts/{alert}/acknowledge", null);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(AlertFields, Names(body));
        Assert.Equal("acknowledged", body.GetProperty("status").GetString());
        Assert.Equal(creator.Email, body.GetProperty("acknowledgedBy").GetString());
    }

    [Fact]
    public async Task GetAlerts_Campaign_ListsAlertDtosWithTheDocumentedFieldsOnly()
    {
        // Arrange
        var (campaign, creator) = await CampaignWithCreatorAsync();
        var alert = await InsertAlertAsync(campaign, "open");
        using var client = await app.SignInAsync(creator);

        // Act
        var body = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/alerts");

        // Assert: the JSON names clients used when the route returned the entity; internal user ids are not among them
        var item = Assert.Single(body.EnumerateArray());
        Assert.Equal(AlertFields, Names(item));
        Assert.Equal(alert, item.GetProperty("id").GetGuid());
        Assert.Equal("traffic_drop", item.GetProperty("detector").GetString());
        Assert.Equal(2, item.GetProperty("baselineLow").GetDouble());
    }

    [Fact]
    public async Task GetAudit_Admin_EntriesAreAuditEntryDtos()
    {
        // Arrange: creating a key writes an audit entry for the campaign
        var (campaign, creator) = await CampaignWithCreatorAsync();
        using var creatorClient = await app.SignInAsync(creator);
        (await creatorClient.PostAsJsonAsync($"api/v1/campaigns/{campaign}/keys", new { name = "audited key" })).EnsureSuccessStatusCode();
        using var admin = await app.SignInAsync(await app.CreateUserAsync(Roles.Admin, null));

        // Act
        var body = await admin.GetFromJsonAsync<JsonElement>($"api/v1/admin/audit?campaignId={campaign}");

        // Assert
        Assert.Equal(["entries", "total"], Names(body));
        var entry = body.GetProperty("entries").EnumerateArray().First();
        Assert.Equal(["action", "actorName", "actorUserId", "at", "campaignId", "customerId", "details", "grantId", "id"], Names(entry));
        Assert.Equal(creator.Email, entry.GetProperty("actorName").GetString());
        Assert.Equal(campaign, entry.GetProperty("campaignId").GetGuid());
    }

    [Fact]
    public async Task RequestAccess_ShortReason_ValidationProblemNamingTheReasonField()
    {
        // Arrange
        var (campaign, creator) = await CampaignWithCreatorAsync();
        using var client = await app.SignInAsync(creator);

        // Act
        using var response = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/access-requests", new { reason = "short" });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("at least 10 characters", errors.GetProperty("reason")[0].GetString());
    }

    [Fact]
    public async Task RequestAccess_Twice_ConflictProblem()
    {
        var (campaign, creator) = await CampaignWithCreatorAsync();
        using var client = await app.SignInAsync(creator);
        (await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/access-requests", new { reason = "the first request for access" })).EnsureSuccessStatusCode();

        using var response = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/access-requests", new { reason = "asking a second time" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task RevokeKey_UnknownKey_NotFoundProblem()
    {
        var (campaign, creator) = await CampaignWithCreatorAsync();
        using var client = await app.SignInAsync(creator);

        using var response = await client.DeleteAsync($"api/v1/campaigns/{campaign}/keys/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApi_AlertAndQueryRoutes_ListTheirProblemResponses()
    {
        // Arrange: the errors come from the exception handler, so only the endpoint metadata tells the document about them
        using var client = app.NewCookieClient();

        // Act
        var document = await client.GetFromJsonAsync<JsonElement>("openapi/v1.json");

        // Assert
        var paths = document.GetProperty("paths");
        var acknowledge = paths.GetProperty("/api/v1/campaigns/{campaignId}/alerts/{alertId}/acknowledge").GetProperty("post").GetProperty("responses");
        Assert.True(acknowledge.TryGetProperty("404", out _) && acknowledge.TryGetProperty("409", out _) && acknowledge.TryGetProperty("403", out _));
        var query = paths.GetProperty("/api/v1/query").GetProperty("post").GetProperty("responses");
        Assert.True(query.TryGetProperty("400", out _) && query.TryGetProperty("422", out _) && query.TryGetProperty("429", out _));
    }

    [Fact]
    public async Task PostMute_EndBeforeStartAndShortReason_ValidationProblemNamingBothFields()
    {
        // Arrange
        var (campaign, creator) = await CampaignWithCreatorAsync();
        using var client = await app.SignInAsync(creator);
        var start = DateTimeOffset.UtcNow.AddHours(2);

        // Act
        using var response = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/alerts/mutes", new { startsAt = start, endsAt = start.AddHours(-1), reason = "x" });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("after it starts", errors.GetProperty("endsAt")[0].GetString());
        Assert.Contains("reason", errors.GetProperty("reason")[0].GetString());
    }

    [Fact]
    public async Task PostMute_Valid_CreatedListedAsActiveThenEndedAndTheAlertsSummarySaysRecovered()
    {
        // Arrange
        var (campaign, creator) = await CampaignWithCreatorAsync();
        using var client = await app.SignInAsync(creator);

        // Act
        using var created = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/alerts/mutes",
            new { endsAt = DateTimeOffset.UtcNow.AddHours(2), reason = "payment provider maintenance" });
        var mute = await created.Content.ReadFromJsonAsync<JsonElement>();
        var listed = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/alerts/mutes");
        using var overlapping = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/alerts/mutes",
            new { endsAt = DateTimeOffset.UtcNow.AddHours(1), reason = "a second mute" });
        using var ended = await client.DeleteAsync($"api/v1/campaigns/{campaign}/alerts/mutes/{mute.GetProperty("id").GetGuid()}");
        using var unknown = await client.DeleteAsync($"api/v1/campaigns/{campaign}/alerts/mutes/{Guid.NewGuid()}");

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["active", "createdAt", "createdBy", "endedAt", "endedBy", "endsAt", "id", "reason", "startsAt", "until"], Names(mute));
        Assert.True(mute.GetProperty("active").GetBoolean());
        Assert.Equal("payment provider maintenance", Assert.Single(listed.EnumerateArray()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, overlapping.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        var after = await ended.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(after.GetProperty("active").GetBoolean());
        Assert.Equal(creator.Email, after.GetProperty("endedBy").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task GetAlerts_ResolvedAlert_SummarySaysRecoveredAfterHowLong()
    {
        // Arrange: an alert that opened 12 minutes before it resolved by itself
        var (campaign, creator) = await CampaignWithCreatorAsync();
        await app.Database.ScalarAsync<int>(
            "WITH a AS (INSERT INTO alerts (id, campaign_id, detector, scope, status, severity, message, value, baseline_low, baseline_high, opened_at, updated_at, resolved_at) " +
            $"VALUES ('{Guid.NewGuid()}', '{campaign}', 'traffic_drop', 'campaign', 'resolved', 'Warning', 'Visits fell to 3/min over the last 3 min', 3, 20, 30, " +
            "now() - interval '20 minutes', now(), now() - interval '8 minutes') RETURNING 1) SELECT count(*)::int FROM a");
        using var client = await app.SignInAsync(creator);

        // Act
        var body = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/alerts");

        // Assert
        var summary = Assert.Single(body.EnumerateArray()).GetProperty("summary").GetString();
        Assert.StartsWith("Recovered at ", summary);
        Assert.Contains("after 12 min. Last reading while open: Visits fell to 3/min", summary);
    }

    [Fact]
    public async Task PostWebhook_DiscordFormat_CreatedWithTheSecretOnceAndListedWithItsFormat()
    {
        // Arrange
        var (campaign, creator) = await CampaignWithCreatorAsync();
        using var client = await app.SignInAsync(creator);

        // Act
        using var created = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/webhooks", new { url = "http://127.0.0.1:9/discord", format = "discord" });
        var hook = await created.Content.ReadFromJsonAsync<JsonElement>();
        var listed = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/webhooks");
        using var badFormat = await client.PostAsJsonAsync($"api/v1/campaigns/{campaign}/webhooks", new { url = "http://127.0.0.1:9/x", format = "irc" });
        using var deleted = await client.DeleteAsync($"api/v1/campaigns/{campaign}/webhooks/{hook.GetProperty("id").GetGuid()}");

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("whsec_", hook.GetProperty("secret").GetString());
        Assert.Equal("discord", hook.GetProperty("format").GetString());
        var item = Assert.Single(listed.EnumerateArray());
        Assert.Equal(["createdAt", "format", "id", "url"], Names(item));
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.True((await badFormat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("format", out _));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/webhooks")).EnumerateArray());
    }

    private static readonly string[] AlertFields =
    [
        "acknowledgedAt", "acknowledgedBy", "baselineHigh", "baselineLow", "campaignId", "detector", "id", "message", "mutedUntil", "openedAt", "resolvedAt",
        "resolvedBy", "scope", "severity", "status", "summary", "updatedAt", "value",
    ];

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
