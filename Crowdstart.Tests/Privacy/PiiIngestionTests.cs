using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Privacy;

/// <summary>The running app refuses every PII-bearing event of the corpus, and none of it reaches the database.</summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class PiiIngestionApiTests(AppFixture app)
{
    [Fact]
    public async Task PostEvents_PiiCorpusBesideCleanEvent_EveryPiiEventRejectedWithReasonCleanOneKeptNothingStored()
    {
        var (campaign, key) = await app.CreateCampaignAsync();
        var corpus = PiiCorpus.Events(campaign);
        var clean = new JsonObject
        {
            ["eventId"] = Guid.NewGuid().ToString(), ["type"] = "page_view", ["campaignId"] = campaign.ToString(), ["customerId"] = "c-clean",
            ["sessionId"] = "s-clean", ["occurredAt"] = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("O"), ["source"] = "social:reddit",
            ["properties"] = new JsonObject { ["device"] = "mobile", ["utm_campaign"] = "launch_day" },
        };
        var body = new JsonArray([.. corpus.Select(c => (JsonNode)c.Event.DeepClone()), clean]);

        var response = await app.PostEventsAsync(key, body.ToJsonString());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, json.GetProperty("accepted").GetInt32());
        var rejected = json.GetProperty("rejected").EnumerateArray()
            .Select(e => (Index: e.GetProperty("index").GetInt32(), Field: e.GetProperty("field").GetString()!, Reason: e.GetProperty("reason").GetString()!))
            .ToList();
        for (var i = 0; i < corpus.Count; i++)
        {
            Assert.True(rejected.Any(r => r.Index == i && r.Field.Length > 0 && r.Reason.Length > 0), $"corpus event '{corpus[i].Where}' was not rejected");
        }
        Assert.DoesNotContain(rejected, r => r.Index == corpus.Count);
        await app.WaitForPipelineAsync();
        Assert.Empty(await PiiCorpus.ScanAsync(app.Database.DataSource));
    }
}

/// <summary>Allowlisting and redact mode of the validator; a redact-mode log holds no PII either.</summary>
[Layer(TestLayer.Database)]
public sealed class PiiRedactionTests(TestDatabase db) : PiiRedactionTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class PiiRedactionTestsOnJetStream(JetStreamTestDatabase db) : PiiRedactionTests<JetStreamTestDatabase>(db);

/// <summary>The tests of <see cref="PiiRedactionTests"/> on each log engine (the engine is the fixture's).</summary>
public abstract class PiiRedactionTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private static readonly Guid Campaign = Guid.Parse("7e1d0c3a-1111-4a2b-9c3d-000000000001");

    private static EventValidator Validator(PiiMode mode) =>
        new(new IngestionOptions(), TimeProvider.System, new PrivacyOptions { PiiMode = mode });

    private static (Pipeline.Events.EventRecord? Record, List<EventError> Errors, List<EventError> Redactions) Validate(EventValidator validator, JsonObject e)
    {
        using var doc = JsonDocument.Parse(e.ToJsonString());
        var errors = new List<EventError>();
        var redactions = new List<EventError>();
        var record = validator.Validate(doc.RootElement.Clone(), 0, new IngestTarget(Campaign, "EUR"), errors, redactions);
        return (record, errors, redactions);
    }

    [Fact]
    public void Validate_PropertyNotAllowlistedForType_IsRejectedNamingTheAllowedKeys()
    {
        var (_, e) = PiiCorpus.Events(Campaign).First(c => c.Where == "property key name");

        var (record, errors, _) = Validate(Validator(PiiMode.Reject), e);

        Assert.Null(record);
        var error = Assert.Single(errors);
        Assert.Equal("properties.name", error.Field);
        Assert.Contains("is not an allowed property for page_view", error.Reason);
        Assert.Contains("utm_campaign", error.Reason);
    }

    [Fact]
    public void Validate_ConfiguredAllowlist_ReplacesTheBuiltInOne()
    {
        var validator = new EventValidator(new IngestionOptions(), TimeProvider.System,
            new PrivacyOptions { AllowedProperties = new() { ["page_view"] = ["shelf"] } });
        var e = PiiCorpus.Events(Campaign).First(c => c.Where == "property key name").Event;
        e["properties"] = new JsonObject { ["shelf"] = "top" };

        Assert.NotNull(Validate(validator, e).Record);
        e["properties"] = new JsonObject { ["device"] = "mobile" };
        Assert.Equal("properties.device", Assert.Single(Validate(validator, e).Errors).Field);
    }

    [Fact]
    public void Validate_RedactMode_PiiValueBlankedUnknownKeyDroppedPiiIdStillRejected()
    {
        var validator = Validator(PiiMode.Redact);
        var corpus = PiiCorpus.Events(Campaign);

        var (card, cardErrors, cardRedactions) = Validate(validator, corpus.First(c => c.Where == "property card").Event);
        var (name, _, nameRedactions) = Validate(validator, corpus.First(c => c.Where == "property key name").Event);
        var (id, idErrors, _) = Validate(validator, corpus.First(c => c.Where == "customerId phone").Event);

        Assert.Empty(cardErrors);
        Assert.Equal("""{"variant":"[redacted]"}""", card!.PropertiesJson);
        Assert.Contains("payment card", Assert.Single(cardRedactions).Reason);
        Assert.Null(name!.PropertiesJson);
        Assert.Equal("properties.name", Assert.Single(nameRedactions).Field);
        Assert.Null(id);
        Assert.Contains("phone number", Assert.Single(idErrors).Reason);
    }

    [Fact]
    public async Task RedactMode_WholeCorpusValidatedLoggedAndProcessed_DatabaseHoldsNoPii()
    {
        // Arrange: a real campaign, so the processor can fold the events in (it refuses events of unknown campaigns).
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "pii-" + Guid.NewGuid().ToString("N")[..8], "Redaction", "EUR", 1m,
            DateTimeOffset.UtcNow.AddHours(-1))).Id;
        var validator = Validator(PiiMode.Redact);
        var accepted = PiiCorpus.Events(Campaign).Select(c => Validate(validator, c.Event).Record).OfType<Pipeline.Events.EventRecord>()
            .Select(r => r with { CampaignId = campaign }).ToList();

        // Act: logged, then processed: on JetStream event_log gets its rows in the processor's transaction, and on
        // both engines the aggregates the processor writes are scanned too.
        await db.Log.AppendAsync(accepted);
        await db.Log.ProcessAllAsync();

        // Assert
        Assert.True(accepted.Count >= 10, $"redact mode keeps events whose properties it cleaned ({accepted.Count})");
        Assert.Equal(accepted.Count, await db.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}'"));
        Assert.Empty(await PiiCorpus.ScanAsync(db.DataSource));
    }
}
