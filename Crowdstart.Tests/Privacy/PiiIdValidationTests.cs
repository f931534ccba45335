using System.Text.Json;
using System.Text.Json.Nodes;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Privacy;

/// <summary>The probe's examples from issue 15 (items 8 and 9), through the validator.</summary>
[Layer(TestLayer.Unit)]
public class PiiIdValidationTests
{
    private static readonly Guid Campaign = Guid.Parse("7e1d0c3a-3333-4a2b-9c3d-000000000015");

    private static List<EventError> Validate(string field, string value)
    {
        var e = new JsonObject
        {
            ["eventId"] = Guid.NewGuid().ToString(), ["type"] = "page_view", ["campaignId"] = Campaign.ToString(),
            ["customerId"] = "c-8f3a2b91", ["sessionId"] = "s-77aa01", ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
            ["source"] = "direct",
        };
        e[field] = value;
        using var doc = JsonDocument.Parse(e.ToJsonString());
        var errors = new List<EventError>();
        new EventValidator(new IngestionOptions(), TimeProvider.System).Validate(doc.RootElement, 0, new IngestTarget(Campaign, "EUR"), errors);
        return errors;
    }

    [Fact]
    public void Validate_SessionIdPrefixedDigitsThatPassLuhn_IsAccepted()
    {
        // Prefix plus 16 digits that pass Luhn by chance, as one numeric id in ten does; no network issues numbers starting with 1.
        var errors = Validate("sessionId", "s_1332694661860079");

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("customerId", "5500-0000-0000-0004")]
    [InlineData("sessionId", "5500-0000-0000-0004")]
    [InlineData("source", "referral:5500-0000-0000-0004")]
    public void Validate_GroupedCardNumberInIdOrSource_IsRefusedAsCard(string field, string value)
    {
        var errors = Validate(field, value);

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(PiiScanner.Card, error.Reason);
    }
}
