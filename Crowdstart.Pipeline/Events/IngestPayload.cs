using System.Text.Json.Nodes;

namespace Crowdstart.Pipeline.Events;

/// <summary>
/// An event as a client sends it to <c>POST /api/v1/events</c> (the inverse of the API's validation): for what the
/// product posts itself (the demo's history) and for the benchmarks and tests that go through the real API.
/// </summary>
public static class IngestPayload
{
    /// <summary>The JSON object of <paramref name="e"/>, without the fields it does not have (amount and currency outside pledges).</summary>
    public static Dictionary<string, object?> Of(EventRecord e)
    {
        var payload = new Dictionary<string, object?>
        {
            ["eventId"] = e.EventId,
            ["type"] = e.Type,
            ["campaignId"] = e.CampaignId,
            ["customerId"] = e.CustomerId,
            ["sessionId"] = e.SessionId,
            ["occurredAt"] = e.OccurredAt.ToString("O"),
            ["source"] = e.Source,
        };
        if (e.Amount is { } amount)
        {
            payload["amount"] = amount;
            payload["currency"] = e.Currency;
        }
        if (e.PropertiesJson is { } properties)
        {
            payload["properties"] = JsonNode.Parse(properties);
        }
        return payload;
    }
}
