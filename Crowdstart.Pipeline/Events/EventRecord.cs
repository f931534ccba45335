namespace Crowdstart.Pipeline.Events;

/// <summary>A validated event, as it is appended to the log.</summary>
/// <param name="EventId">Client-generated idempotency key.</param>
/// <param name="Type">One of <see cref="EventTypes.All"/>.</param>
/// <param name="CampaignId">Campaign the event belongs to (always the ingest key's campaign).</param>
/// <param name="CustomerId">Opaque pseudonymous customer id; the log's partition key.</param>
/// <param name="SessionId">Opaque session id.</param>
/// <param name="OccurredAt">Event time as reported by the client.</param>
/// <param name="Source">Normalised traffic source, e.g. <c>social:reddit</c>.</param>
/// <param name="Amount">Money for pledge events, else null.</param>
/// <param name="Currency">ISO 4217 code for pledge events, else null.</param>
/// <param name="PropertiesJson">The <c>properties</c> object as JSON text, or null.</param>
public sealed record EventRecord(
    Guid EventId,
    string Type,
    Guid CampaignId,
    string CustomerId,
    string SessionId,
    DateTimeOffset OccurredAt,
    string Source,
    decimal? Amount,
    string? Currency,
    string? PropertiesJson);

/// <summary>An event read back from the log, with its position.</summary>
public sealed record LoggedEvent(int Partition, long Offset, DateTimeOffset ReceivedAt, EventRecord Event);
