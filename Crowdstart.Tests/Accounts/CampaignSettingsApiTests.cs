using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Accounts;

/// <summary>
/// A campaign's settings and lifecycle through the API of the running app: validation naming each field, the rebuild
/// of a changed definition (compared with the SQL recomputation), archive, and deletion (who may, the typed name, what
/// goes and what the audit log keeps).
/// </summary>
[Collection(AppCollection.Name)]
[Layer(TestLayer.App)]
public class CampaignSettingsApiTests(AppFixture app)
{
    private static readonly FunnelDefinition ShortFunnel = new([
        new(EventTypes.PageView), new(EventTypes.CartCreated, 600), new(EventTypes.PledgeCompleted, 1200)]);

    /// <summary>A campaign created through the product by <c>Owner</c>, with a key and some traffic folded in.</summary>
    private async Task<(Guid Campaign, string Name, TestUser Owner, TestUser Colleague, string Key)> OwnedCampaignAsync(int customers = 30)
    {
        var organisation = await app.CreateOrganisationAsync("Settings org");
        var owner = await app.CreateUserAsync(Roles.Creator, organisation);
        var colleague = await app.CreateUserAsync(Roles.Creator, organisation);
        var name = "Lantern " + Guid.NewGuid().ToString("N")[..6];
        var (campaign, errors) = await app.Services.GetRequiredService<CampaignManagement>().CreateAsync(new Actor(owner.Id, owner.Email, false),
            new NewCampaign(organisation, name, "EUR", 20_000m, DateTimeOffset.UtcNow.AddHours(-2), null));
        Assert.True(campaign is not null, string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        var key = await app.Database.Campaigns.CreateIngestKeyAsync(campaign.Id, "settings test");
        var at = DateTimeOffset.UtcNow.AddMinutes(-20);
        var events = new List<object>();
        for (var i = 0; i < customers; i++)
        {
            string[] journey = i % 3 == 0 ? [EventTypes.PageView, EventTypes.RewardView, EventTypes.CartCreated, EventTypes.CheckoutStarted, EventTypes.PledgeCompleted]
                : i % 3 == 1 ? [EventTypes.PageView, EventTypes.CartCreated] : [EventTypes.PageView];
            events.AddRange(journey.Select((type, step) => (object)new
            {
                eventId = Guid.NewGuid(), type, campaignId = campaign.Id, customerId = $"cust-set-{i}", sessionId = $"s-{i}",
                occurredAt = at.AddSeconds(i * 20 + step * 90).ToString("O"), source = i % 2 == 0 ? "direct" : "social:reddit",
                amount = type == EventTypes.PledgeCompleted ? 40m : (decimal?)null, currency = type == EventTypes.PledgeCompleted ? "EUR" : null,
            }));
        }
        (await app.PostEventsAsync(key, events)).EnsureSuccessStatusCode();
        await app.WaitForPipelineAsync();
        return (campaign.Id, name, owner, colleague, key);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task UpdateSettings_InvalidFields_ValidationProblemNamingEachField()
    {
        // Arrange
        var (campaign, _, owner, _, _) = await OwnedCampaignAsync(customers: 1);
        using var client = await app.SignInAsync(owner);

        // Act
        using var response = await client.PutAsJsonAsync($"api/v1/campaigns/{campaign}/settings",
            new { name = "x", goal = 0, endAt = DateTimeOffset.UtcNow.AddDays(-3), timeZone = "Mars/Olympus_Mons" });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors");
        Assert.Equal(["endAt", "goal", "name", "timeZone"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("time zone", errors.GetProperty("timeZone")[0].GetString());
    }

    [Fact]
    public async Task UpdateSettings_Valid_SavedWithTheTimeZoneAndAudited()
    {
        // Arrange
        var (campaign, _, owner, _, _) = await OwnedCampaignAsync(customers: 1);
        using var client = await app.SignInAsync(owner);
        var end = DateTimeOffset.UtcNow.AddDays(30);

        // Act
        using var response = await client.PutAsJsonAsync($"api/v1/campaigns/{campaign}/settings",
            new { name = "Lantern renamed", goal = 25_000.5m, endAt = end, timeZone = "Europe/Paris" });
        var settings = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/settings");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Lantern renamed", settings.GetProperty("name").GetString());
        Assert.Equal(25_000.5m, settings.GetProperty("goal").GetDecimal());
        Assert.Equal("Europe/Paris", settings.GetProperty("timeZone").GetString());
        Assert.Equal(end.ToUnixTimeSeconds(), settings.GetProperty("endAt").GetDateTimeOffset().ToUnixTimeSeconds());
        var audit = await app.Database.ScalarAsync<string>(
            $"SELECT details FROM audit_log WHERE campaign_id = '{campaign}' AND action = '{AuditActions.CampaignUpdated}' ORDER BY at DESC LIMIT 1");
        Assert.Contains("name: Lantern", audit);
        Assert.Contains("time zone: viewer's own → Europe/Paris", audit);
    }

    [Fact]
    public async Task ChangeDefinition_InvalidStepsAndCartWindow_ValidationProblemNamingTheFields()
    {
        // Arrange
        var (campaign, _, owner, _, _) = await OwnedCampaignAsync(customers: 1);
        using var client = await app.SignInAsync(owner);

        // Act
        using var unknownType = await client.PutAsJsonAsync($"api/v1/campaigns/{campaign}/metric-definition",
            new { funnel = new object[] { new { type = "page_view" }, new { type = "page_visit", withinSeconds = 60 } }, cartWindowSeconds = 10 });
        using var noWindow = await client.PutAsJsonAsync($"api/v1/campaigns/{campaign}/metric-definition",
            new { funnel = new object[] { new { type = "page_view" }, new { type = "cart_created", withinSeconds = 0 } }, cartWindowSeconds = 600 });
        using var oneStep = await client.PutAsJsonAsync($"api/v1/campaigns/{campaign}/metric-definition",
            new { funnel = new object[] { new { type = "page_view" } }, cartWindowSeconds = 600 });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, unknownType.StatusCode);
        var errors = (await ProblemAsync(unknownType)).GetProperty("errors");
        Assert.Equal(["cartWindowSeconds", "funnel[1].type"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("Step 2", errors.GetProperty("funnel[1].type")[0].GetString());
        Assert.True((await ProblemAsync(noWindow)).GetProperty("errors").TryGetProperty("funnel[1].withinSeconds", out _));
        Assert.True((await ProblemAsync(oneStep)).GetProperty("errors").TryGetProperty("funnel", out _));
        Assert.Equal(0L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM metrics_rebuilds WHERE campaign_id = '{campaign}'"));
    }

    [Fact]
    public async Task ChangeDefinition_Valid_RebuiltInTheBackgroundToTheSqlRecomputation()
    {
        // Arrange
        var (campaign, _, _, colleague, _) = await OwnedCampaignAsync();
        using var client = await app.SignInAsync(colleague);

        // Act
        using var response = await client.PutAsJsonAsync($"api/v1/campaigns/{campaign}/metric-definition",
            new { funnel = ShortFunnel.Steps, cartWindowSeconds = 1800 });
        var rebuild = await response.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement latest;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(200);
            latest = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/rebuilds/latest");
        }
        while (latest.GetProperty("isActive").GetBoolean() && DateTime.UtcNow < deadline);
        using var again = await client.PutAsJsonAsync($"api/v1/campaigns/{campaign}/metric-definition",
            new { funnel = ShortFunnel.Steps, cartWindowSeconds = 1800 });
        var snapshot = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/snapshot");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(rebuild.GetProperty("id").GetGuid(), latest.GetProperty("id").GetGuid());
        Assert.Equal("done", latest.GetProperty("status").GetString());
        Assert.Equal(30, latest.GetProperty("customersDone").GetInt64());
        Assert.Equal(1.0, latest.GetProperty("progress").GetDouble());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var (expected, stored) = await MetricsOracle.FunnelAsync(app.Database.DataSource, campaign, ShortFunnel);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, stored);
        var (cartsExpected, cartsStored) = await MetricsOracle.CartsAsync(app.Database.DataSource, campaign, TimeSpan.FromMinutes(30));
        Assert.Equal(cartsExpected, cartsStored);
        Assert.Equal([1, 2, 3], snapshot.GetProperty("funnel").EnumerateArray().Select(s => s.GetProperty("step").GetInt32()));
        Assert.Equal(1, await app.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE campaign_id = '{campaign}' AND action = '{AuditActions.MetricDefinitionChanged}'"));
    }

    [Fact]
    public async Task Archive_ThenUnarchive_FlagTogglesDataStaysAndRepeatIsConflict()
    {
        // Arrange
        var (campaign, _, owner, _, _) = await OwnedCampaignAsync(customers: 3);
        using var client = await app.SignInAsync(owner);

        // Act
        using var archive = await client.PostAsync($"api/v1/campaigns/{campaign}/archive", null);
        using var archiveAgain = await client.PostAsync($"api/v1/campaigns/{campaign}/archive", null);
        var archived = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/settings");
        using var snapshot = await client.GetAsync($"api/v1/campaigns/{campaign}/snapshot");
        using var unarchive = await client.PostAsync($"api/v1/campaigns/{campaign}/unarchive", null);
        var restored = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/settings");

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, archive.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, archiveAgain.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, archived.GetProperty("archivedAt").ValueKind);
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, unarchive.StatusCode);
        Assert.Equal(JsonValueKind.Null, restored.GetProperty("archivedAt").ValueKind);
        Assert.Equal(2, await app.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE campaign_id = '{campaign}' AND action IN ('{AuditActions.CampaignArchived}', '{AuditActions.CampaignUnarchived}')"));
    }

    [Fact]
    public async Task Delete_ColleagueNotOwner_ForbiddenAndNothingRemoved()
    {
        // Arrange
        var (campaign, name, _, colleague, _) = await OwnedCampaignAsync(customers: 2);
        using var client = await app.SignInAsync(colleague);

        // Act
        using var response = await client.DeleteAsync($"api/v1/campaigns/{campaign}?confirmName={Uri.EscapeDataString(name)}");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM campaigns WHERE id = '{campaign}'"));
        Assert.True(await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}'") > 0);
    }

    [Fact]
    public async Task Delete_OwnerWithoutTheExactName_ValidationProblemOnConfirmName()
    {
        // Arrange
        var (campaign, name, owner, _, _) = await OwnedCampaignAsync(customers: 2);
        using var client = await app.SignInAsync(owner);

        // Act
        using var response = await client.DeleteAsync($"api/v1/campaigns/{campaign}?confirmName={Uri.EscapeDataString(name.ToUpperInvariant())}");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty("confirmName", out _));
        Assert.Equal(1L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM campaigns WHERE id = '{campaign}'"));
    }

    [Fact]
    public async Task Delete_OwnerWithTheName_EveryRowOfTheCampaignGoneKeyRefusedAuditKept()
    {
        // Arrange: data in every kind of table, and a neighbour that must keep its own
        var (campaign, name, owner, _, key) = await OwnedCampaignAsync();
        var (neighbour, _, _, _, _) = await OwnedCampaignAsync(customers: 5);
        var ownerActor = new Actor(owner.Id, owner.Email, false);
        await app.Services.GetRequiredService<ShareLinks>().CreateAsync(ownerActor, campaign, "wall", 7);
        using var client = await app.SignInAsync(owner);
        var neighbourEvents = await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{neighbour}'");

        // Act
        using var response = await client.DeleteAsync($"api/v1/campaigns/{campaign}?confirmName={Uri.EscapeDataString(name)}");
        var deletion = await response.Content.ReadFromJsonAsync<JsonElement>();
        using var late = await app.PostEventsAsync(key, new[] { new { eventId = Guid.NewGuid(), type = EventTypes.PageView, campaignId = campaign,
            customerId = "cust-after", sessionId = "s-after", occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "direct" } });
        using var snapshot = await client.GetAsync($"api/v1/campaigns/{campaign}/snapshot");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(deletion.GetProperty("events").GetInt64() > 0);
        Assert.True(deletion.GetProperty("aggregateRows").GetInt64() > 0);
        foreach (var table in Crowdstart.Pipeline.Storage.MetricTables.All.Select(t => t.Name)
                     .Concat(["event_log", "ingest_keys", "share_links", "metrics_rebuilds", "alerts", "data_access_grants"]))
        {
            Assert.Equal(0L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE campaign_id = '{campaign}'"));
        }
        Assert.Equal(0L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM campaigns WHERE id = '{campaign}'"));
        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        Assert.True(snapshot.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"snapshot of a deleted campaign: {snapshot.StatusCode}");
        Assert.Equal(neighbourEvents, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{neighbour}'"));
        var audit = await app.Database.ScalarAsync<string>(
            $"SELECT details FROM audit_log WHERE campaign_id = '{campaign}' AND action = '{AuditActions.CampaignDeleted}'");
        Assert.StartsWith(name + ":", audit);
        Assert.True(await app.Database.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE campaign_id = '{campaign}'") >= 3);
    }
}
