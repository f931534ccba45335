using System.Text.Json;
using System.Text.Json.Nodes;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Ingestion;
using Microsoft.Extensions.Time.Testing;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Ingestion;

[Layer(TestLayer.Unit)]
public class EventValidatorTests
{
    private static readonly Guid Campaign = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly EventValidator _validator = new(new IngestionOptions(), new FakeTimeProvider(Now));
    private readonly IngestTarget _target = new(Campaign, "EUR");

    private static JsonObject ValidPledge() => new()
    {
        ["eventId"] = "0f8fad5b-d9cb-469f-a165-70867728950e",
        ["type"] = "pledge_completed",
        ["campaignId"] = Campaign.ToString(),
        ["customerId"] = "c-8f3a2b",
        ["sessionId"] = "s-77aa",
        ["occurredAt"] = "2026-11-26T13:59:30+02:00",
        ["source"] = "Social:Reddit",
        ["amount"] = 49.5,
        ["currency"] = "eur",
        ["properties"] = new JsonObject { ["reward"] = "early_bird", ["add_on"] = true },
    };

    private (Pipeline.Events.EventRecord? Event, List<EventError> Errors) Validate(JsonNode node, int index = 0)
    {
        using var doc = JsonDocument.Parse(node.ToJsonString());
        var errors = new List<EventError>();
        var record = _validator.Validate(doc.RootElement.Clone(), index, _target, errors);
        return (record, errors);
    }

    [Fact]
    public void Validate_ValidPledge_ReturnsNormalisedEvent()
    {
        var (record, errors) = Validate(ValidPledge());

        Assert.Empty(errors);
        Assert.NotNull(record);
        Assert.Equal("pledge_completed", record.Type);
        Assert.Equal("social:reddit", record.Source);
        Assert.Equal(49.5m, record.Amount);
        Assert.Equal("EUR", record.Currency);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 11, 59, 30, TimeSpan.Zero), record.OccurredAt);
        Assert.Equal(TimeSpan.Zero, record.OccurredAt.Offset);
        Assert.Contains("early_bird", record.PropertiesJson);
    }

    [Fact]
    public void Validate_PageViewWithoutAmount_IsAccepted()
    {
        var node = ValidPledge();
        node["type"] = "page_view";
        node.Remove("amount");
        node.Remove("currency");
        node["properties"] = new JsonObject { ["reward"] = "early_bird" };

        var (record, errors) = Validate(node);

        Assert.Empty(errors);
        Assert.Null(record!.Amount);
    }

    [Theory]
    [InlineData("eventId", null, "is required")]
    [InlineData("eventId", "not-a-uuid", "must be a non-empty UUID")]
    [InlineData("eventId", "00000000-0000-0000-0000-000000000000", "must be a non-empty UUID")]
    [InlineData("type", "purchase", "must be one of")]
    [InlineData("campaignId", "99999999-2222-3333-4444-555555555555", "does not match the campaign of the ingest key")]
    [InlineData("customerId", "jane.doe@example.com", "looks like an email address")]
    [InlineData("customerId", "Jane Doe", "must be an opaque id")]
    [InlineData("customerId", "", "must not be empty")]
    [InlineData("sessionId", null, "is required")]
    [InlineData("occurredAt", "2026-11-26T12:00:00", "with an offset")]
    [InlineData("occurredAt", "yesterday", "with an offset")]
    [InlineData("occurredAt", "2026-11-26T12:30:00Z", "in the future")]
    [InlineData("occurredAt", "2024-10-01T12:00:00Z", "400 days in the past")]
    [InlineData("occurredAt", "0001-01-01T00:00:00Z", "400 days in the past")]
    [InlineData("source", "facebook", "must be direct, search")]
    [InlineData("currency", "USD", "must be EUR, the campaign's currency")]
    [InlineData("currency", "euro", "ISO 4217")]
    public void Validate_BadField_NamesFieldAndReason(string field, string? value, string reason)
    {
        var node = ValidPledge();
        if (value is null)
        {
            node.Remove(field);
        }
        else
        {
            node[field] = value;
        }

        var (record, errors) = Validate(node, index: 7);

        Assert.Null(record);
        var error = Assert.Single(errors);
        Assert.Equal(7, error.Index);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason);
    }

    [Theory]
    [InlineData(0, "greater than 0")]
    [InlineData(-5, "greater than 0")]
    [InlineData(2_000_000, "at most")]
    [InlineData(10.555, "2 decimal places")]
    public void Validate_BadAmount_IsRejected(double amount, string reason)
    {
        var node = ValidPledge();
        node["amount"] = amount;

        var (_, errors) = Validate(node);

        Assert.Contains(errors, e => e.Field == "amount" && e.Reason.Contains(reason));
    }

    [Fact]
    public void Validate_AmountAsString_IsRejected()
    {
        var node = ValidPledge();
        node["amount"] = "49.50";

        var (_, errors) = Validate(node);

        Assert.Contains(errors, e => e.Field == "amount" && e.Reason == "must be a number");
    }

    [Fact]
    public void Validate_PledgeWithoutAmountAndCurrency_ReportsBoth()
    {
        var node = ValidPledge();
        node.Remove("amount");
        node.Remove("currency");

        var (_, errors) = Validate(node);

        Assert.Contains(errors, e => e.Field == "amount" && e.Reason.Contains("is required"));
        Assert.Contains(errors, e => e.Field == "currency" && e.Reason.Contains("is required"));
    }

    [Fact]
    public void Validate_AmountOnPageView_IsRejected()
    {
        var node = ValidPledge();
        node["type"] = "page_view";

        var (_, errors) = Validate(node);

        Assert.Contains(errors, e => e.Field == "amount" && e.Reason.Contains("only allowed on"));
    }

    [Fact]
    public void Validate_UnknownTopLevelField_IsRejectedByName()
    {
        var node = ValidPledge();
        node["email"] = "someone@example.com";

        var (_, errors) = Validate(node);

        var error = Assert.Single(errors);
        Assert.Equal("email", error.Field);
        Assert.Contains("not a known field", error.Reason);
    }

    [Theory]
    [InlineData("variant", "write to jane@example.com", "looks like an email address")]
    [InlineData("Bad-Name", "x", "name must be")]
    public void Validate_BadProperty_NamesPropertyPath(string name, string value, string reason)
    {
        var node = ValidPledge();
        node["properties"]![name] = value;

        var (_, errors) = Validate(node);

        var error = Assert.Single(errors);
        Assert.Equal($"properties.{name}", error.Field);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void Validate_NestedPropertyValue_IsRejected()
    {
        var node = ValidPledge();
        node["properties"]!["variant"] = new JsonObject { ["a"] = 1 };

        var (_, errors) = Validate(node);

        Assert.Contains(errors, e => e.Field == "properties.variant" && e.Reason.Contains("string, number, boolean"));
    }

    [Fact]
    public void Validate_TooManyProperties_IsRejected()
    {
        var node = ValidPledge();
        var props = new JsonObject();
        for (var i = 0; i < 21; i++)
        {
            props[$"p{i}"] = i;
        }
        node["properties"] = props;

        var (_, errors) = Validate(node);

        Assert.Contains(errors, e => e.Field == "properties" && e.Reason.Contains("at most 20 keys"));
    }

    [Theory]
    [InlineData("""{"variant": "a\u0000b"}""", "properties.variant", "NUL")]
    [InlineData("""{"quantity": 1e1001}""", "properties.quantity", "between -1e15 and 1e15")]
    [InlineData("""{"quantity": -2e15}""", "properties.quantity", "between -1e15 and 1e15")]
    public void Validate_PropertyTheDatabaseWouldRefuse_IsRejected(string properties, string field, string reason)
    {
        var node = ValidPledge();
        node["properties"] = JsonNode.Parse(properties);

        var (_, errors) = Validate(node);

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason);
    }

    [Theory]
    [InlineData("customerId")]
    [InlineData("properties")]
    public void Validate_LoneSurrogateEscape_RejectsTheEventNotTheRequest(string where)
    {
        var json = ValidPledge().ToJsonString();
        json = where == "customerId"
            ? json.Replace("\"c-8f3a2b\"", "\"c-\\ud800\"")
            : json.Replace("\"early_bird\"", "\"\\ud800x\"");
        using var doc = JsonDocument.Parse(json);
        var errors = new List<EventError>();

        var record = _validator.Validate(doc.RootElement, 3, _target, errors);

        Assert.Null(record);
        var error = Assert.Single(errors);
        Assert.Equal(3, error.Index);
        Assert.Contains("lone surrogate", error.Reason);
    }

    [Fact]
    public void Validate_NotAnObject_IsRejectedAsWhole()
    {
        var (record, errors) = Validate(JsonValue.Create(42)!);

        Assert.Null(record);
        Assert.Equal("$", Assert.Single(errors).Field);
    }

    [Fact]
    public void Validate_SeveralBadFields_ReportsEachOfThem()
    {
        var node = ValidPledge();
        node["eventId"] = "x";
        node["source"] = "tv";
        node["customerId"] = "a@b.co";

        var (_, errors) = Validate(node);

        Assert.Equal(["customerId", "eventId", "source"], errors.Select(e => e.Field).Order());
    }
}
