namespace Crowdstart.Pipeline.Storage.Entities;

/// <summary>
/// A change of a campaign's metric definition (funnel steps and windows, cart window) and the rebuild of its metrics
/// from the log that applies it. The campaign keeps its old definition, and its old figures, until the rebuild swaps
/// both in one transaction; progress is kept here so every instance (and a restarted one) can show and resume it.
/// </summary>
public sealed class MetricsRebuild
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    /// <summary><c>queued</c>, <c>running</c>, <c>done</c> or <c>failed</c>.</summary>
    public required string Status { get; set; }
    /// <summary>The new funnel as JSON (<see cref="Events.FunnelDefinition"/>).</summary>
    public required string FunnelJson { get; set; }
    public int CartWindowSeconds { get; set; }
    public Guid? RequestedByUserId { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    /// <summary>Written by the instance running it; a running rebuild whose heartbeat is old is taken over.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Customers of the campaign in the log when the rebuild started, and how many are recomputed.</summary>
    public long CustomersTotal { get; set; }
    public long CustomersDone { get; set; }
    /// <summary>Events folded in (the log up to the snapshot, then the catch-up).</summary>
    public long Events { get; set; }
    public string? Error { get; set; }
}

/// <summary>
/// A read-only link to a campaign's aggregates for people without an account (a TV on the office wall). Only the
/// SHA-256 of its 256-bit token is stored; it works until it expires or is revoked.
/// </summary>
public sealed class ShareLink
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public required byte[] TokenHash { get; set; }
    /// <summary>A label chosen by its creator ("Office TV").</summary>
    public required string Label { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public Guid? RevokedByUserId { get; set; }
    /// <summary>Times the shared page was opened (each refresh of an open page is not a view).</summary>
    public long Views { get; set; }
    public DateTimeOffset? LastViewedAt { get; set; }
}
