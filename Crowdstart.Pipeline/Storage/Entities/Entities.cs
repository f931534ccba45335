namespace Crowdstart.Pipeline.Storage.Entities;

/// <summary>A crowdfunding campaign whose page sends events.</summary>
public sealed class Campaign
{
    public Guid Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    /// <summary>ISO 4217 code; pledges must be in this currency.</summary>
    public required string Currency { get; set; }
    public decimal GoalAmount { get; set; }
    public DateTimeOffset LaunchAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
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
}

/// <summary>Next offset to hand out in one log partition. Its row lock orders the partition's commits.</summary>
public sealed class LogPartition
{
    public int Partition { get; set; }
    public long NextOffset { get; set; }
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

/// <summary>Customers already counted in a campaign minute, so unique counts stay exact across batches.</summary>
public sealed class MinuteCustomer
{
    public Guid CampaignId { get; set; }
    public DateTimeOffset Minute { get; set; }
    public required string CustomerId { get; set; }
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
}
