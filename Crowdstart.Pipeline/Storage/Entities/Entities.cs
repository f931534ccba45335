namespace Crowdstart.Pipeline.Storage.Entities;

/// <summary>A crowdfunding campaign whose page sends events.</summary>
public sealed class Campaign
{
    public Guid Id { get; set; }
    /// <summary>The organisation that owns the campaign; its members are the campaign's creators.</summary>
    public Guid OrganisationId { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    /// <summary>ISO 4217 code; pledges must be in this currency.</summary>
    public required string Currency { get; set; }
    public decimal GoalAmount { get; set; }
    public DateTimeOffset LaunchAt { get; set; }
    public DateTimeOffset? EndAt { get; set; }
    /// <summary>The funnel steps as JSON (<see cref="Events.FunnelDefinition"/>).</summary>
    public string FunnelJson { get; set; } = Events.FunnelDefinition.Default.ToJson();
    /// <summary>A cart counts as completed when the pledge follows within this many seconds.</summary>
    public int CartWindowSeconds { get; set; } = 3600;
    /// <summary>
    /// Events received more than this many seconds after they occurred are late. Fixed per campaign so every
    /// consumer, before and after a restart, applies the same rule to the same events.
    /// </summary>
    public int AllowedLatenessSeconds { get; set; } = 600;
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The campaign's own detector settings (<see cref="Alerts.DetectorSettings"/> as JSON); null = defaults.</summary>
    public string? AlertSettingsJson { get; set; }
    /// <summary>IANA time zone the campaign's times are shown in; null = each viewer's own (browser) time.</summary>
    public string? TimeZone { get; set; }
    /// <summary>When the campaign was archived (hidden from the overview, data kept); null while active.</summary>
    public DateTimeOffset? ArchivedAt { get; set; }
    /// <summary>The user who created the campaign (its owner, who may delete it); null for campaigns made by the system.</summary>
    public Guid? CreatedByUserId { get; set; }
}

/// <summary>A per-campaign ingest key. Only its SHA-256 hash is stored.</summary>
public sealed class IngestKey
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public required string Name { get; set; }
    public required byte[] KeyHash { get; set; }
    /// <summary>First characters of the key, to recognise it in lists.</summary>
    public required string Prefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>Who created and who revoked the key (null for keys made by the system, e.g. demo keys).</summary>
    public Guid? CreatedByUserId { get; set; }
    public Guid? RevokedByUserId { get; set; }
    /// <summary>
    /// When the key last brought an event (accepted or rejected); written a few seconds behind by
    /// <see cref="Ingestion.IngestActivity"/>, never on the ingest request itself.
    /// </summary>
    public DateTimeOffset? LastEventAt { get; set; }
}

/// <summary>Next offset to hand out in one log partition. Its row lock orders the partition's commits.</summary>
public sealed class LogPartition
{
    public int Partition { get; set; }
    public long NextOffset { get; set; }

    /// <summary>The log engine whose positions the partition's checkpoint holds (<c>postgres</c> or <c>jetstream</c>).</summary>
    public string Engine { get; set; } = "postgres";
}

/// <summary>One event in the durable log. Written by binary COPY; mapped here for the schema and for reads.</summary>
public sealed class LogEntry
{
    public int Partition { get; set; }
    public long Offset { get; set; }
    public Guid EventId { get; set; }
    public Guid CampaignId { get; set; }
    public required string CustomerId { get; set; }
    public required string SessionId { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Source { get; set; }
    public decimal? Amount { get; set; }
    public string? Currency { get; set; }
    public string? Properties { get; set; }
}

/// <summary>Last offset of a partition folded into the rollups; committed with them.</summary>
public sealed class PartitionCheckpoint
{
    public int Partition { get; set; }
    public long Offset { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// Per-minute aggregates of one campaign from one log partition. A customer lives in exactly one partition,
/// so summing partitions gives exact campaign-wide unique customers, and partition consumers never contend on a row.
/// </summary>
public sealed class MinuteRollup
{
    public Guid CampaignId { get; set; }
    public DateTimeOffset Minute { get; set; }
    public int Partition { get; set; }
    public long PageViews { get; set; }
    public long RewardViews { get; set; }
    public long CartsCreated { get; set; }
    public long CheckoutsStarted { get; set; }
    public long CheckoutsFailed { get; set; }
    public long PledgesCompleted { get; set; }
    public long PledgesRefunded { get; set; }
    public long UniqueCustomers { get; set; }
    public decimal PledgedAmount { get; set; }
    public decimal RefundedAmount { get; set; }
}

/// <summary>
/// All-time totals of a campaign from one log partition, maintained in the same transaction as the minute
/// rollups, so overview cards read a handful of rows instead of scanning every minute ever recorded.
/// </summary>
public sealed class CampaignTotal
{
    public Guid CampaignId { get; set; }
    public int Partition { get; set; }
    public long Events { get; set; }
    public long PledgesCompleted { get; set; }
    public long PledgesRefunded { get; set; }
    public decimal PledgedAmount { get; set; }
    public decimal RefundedAmount { get; set; }
    /// <summary>Events received later than the allowed lateness after they occurred (kept, but not in live windows).</summary>
    public long LateEvents { get; set; }
    /// <summary>Customers with a cart, and those whose cart completed within the cart window.</summary>
    public long Carts { get; set; }
    public long CartsCompleted { get; set; }
    /// <summary>Customers in any cohort, and those who returned within 24 h.</summary>
    public long CohortCustomers { get; set; }
    public long CohortReturned { get; set; }
}

/// <summary>Sliding-window unique customers at one 10-second grid point (see Metrics.MetricWindows).</summary>
public sealed class WindowPoint
{
    public Guid CampaignId { get; set; }
    public int WindowSeconds { get; set; }
    public DateTimeOffset Point { get; set; }
    public int Partition { get; set; }
    public long Visitors { get; set; }
    public long Pledgers { get; set; }
}

/// <summary>Events per 10-second bucket by type and source (live windows only: late events excluded).</summary>
public sealed class EventCount
{
    public Guid CampaignId { get; set; }
    public DateTimeOffset Bucket { get; set; }
    public required string Type { get; set; }
    public required string Source { get; set; }
    public int Partition { get; set; }
    public long Events { get; set; }
}

/// <summary>Customers who reached at least funnel step <see cref="Step"/> (1-based), by first-visit source.</summary>
public sealed class FunnelStepCount
{
    public Guid CampaignId { get; set; }
    public required string Source { get; set; }
    public int Step { get; set; }
    public int Partition { get; set; }
    public long Customers { get; set; }
}

/// <summary>A cohort: customers whose first visit fell in an hour, by first-visit source.</summary>
public sealed class CohortCell
{
    public Guid CampaignId { get; set; }
    public DateTimeOffset CohortHour { get; set; }
    public required string Source { get; set; }
    public int Partition { get; set; }
    public long Customers { get; set; }
    /// <summary>Members who came back in a later session within 24 h of their first visit.</summary>
    public long Returned { get; set; }
}

/// <summary>Members of a cohort who first came back in hour <see cref="HoursSince"/> (0–23) after their first visit.</summary>
public sealed class CohortReturn
{
    public Guid CampaignId { get; set; }
    public DateTimeOffset CohortHour { get; set; }
    public required string Source { get; set; }
    public int HoursSince { get; set; }
    public int Partition { get; set; }
    public long Customers { get; set; }
}

/// <summary>Customers whose first cart was created in a minute, and how many pledged within the cart window.</summary>
public sealed class CartMinute
{
    public Guid CampaignId { get; set; }
    public DateTimeOffset Minute { get; set; }
    public int Partition { get; set; }
    public long Carts { get; set; }
    public long Completed { get; set; }
}

/// <summary>Histogram of cart completion time in whole seconds (exact percentiles at one-second resolution).</summary>
public sealed class CartCompletion
{
    public Guid CampaignId { get; set; }
    public int Seconds { get; set; }
    public int Partition { get; set; }
    public long Carts { get; set; }
}

/// <summary>
/// One event refused at ingestion (own API or Segment endpoints), kept so the creator can see why. Only the last
/// <c>Ingestion:RejectedEventsPerCampaign</c> per campaign are kept, and never a property value: the event's type or
/// name, the field and the reason, each cleaned of anything that looks like personal data.
/// </summary>
public sealed class IngestRejection
{
    public long Id { get; set; }
    public Guid CampaignId { get; set; }
    /// <summary>The ingest key the event came with.</summary>
    public Guid? KeyId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>Which endpoint received it: <c>api</c> (<c>/api/v1/events</c>) or <c>segment</c> (<c>/v1/*</c>).</summary>
    public required string Channel { get; set; }
    /// <summary>The event's type (own API) or Segment call and event name, truncated and cleaned; null when absent.</summary>
    public string? EventName { get; set; }
    public required string Field { get; set; }
    public required string Reason { get; set; }
}

/// <summary>A campaign's own mapping of a Segment event name to one of our event types (or <c>ignore</c>).</summary>
public sealed class SegmentEventMapping
{
    public Guid CampaignId { get; set; }
    /// <summary>The Segment <c>event</c> name, matched without regard to case.</summary>
    public required string EventName { get; set; }
    /// <summary>One of <see cref="Events.EventTypes.All"/>, or <c>ignore</c> (accepted with 200, not stored, not listed as rejected).</summary>
    public required string EventType { get; set; }
}
