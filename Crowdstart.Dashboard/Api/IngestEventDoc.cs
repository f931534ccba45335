namespace Crowdstart.Dashboard.Api;

/// <summary>An event as sent to the API (documentation shape for OpenAPI; the endpoint validates raw JSON).</summary>
public sealed record IngestEventDoc(
    Guid EventId,
    string Type,
    Guid CampaignId,
    string CustomerId,
    string SessionId,
    DateTimeOffset OccurredAt,
    string Source,
    decimal? Amount,
    string? Currency,
    Dictionary<string, object?>? Properties);
