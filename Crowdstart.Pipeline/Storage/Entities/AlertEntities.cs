namespace Crowdstart.Pipeline.Storage.Entities;

/// <summary>
/// An anomaly alert of one campaign: at most one open (or acknowledged) alert per detector and scope. Opened and
/// resolved by the alert monitor; acknowledged (and optionally resolved) by a creator.
/// </summary>
public sealed class Alert
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public required string Detector { get; set; }
    public required string Scope { get; set; }
    /// <summary><c>open</c>, <c>acknowledged</c> or <c>resolved</c>.</summary>
    public required string Status { get; set; }
    public required string Severity { get; set; }
    /// <summary>The sentence that explains the alert, with its numbers; updated while the alert is open.</summary>
    public required string Message { get; set; }
    public double Value { get; set; }
    public double BaselineLow { get; set; }
    public double BaselineHigh { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public Guid? AcknowledgedByUserId { get; set; }
    public string? AcknowledgedBy { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    /// <summary>Who resolved it by hand; null when it resolved by itself.</summary>
    public string? ResolvedBy { get; set; }
    /// <summary>
    /// End of the mute the alert opened in (its webhooks are held until then and it stays off the banner); null when it
    /// opened unmuted. Set to the moment a mute was ended early.
    /// </summary>
    public DateTimeOffset? MutedUntil { get; set; }
}

/// <summary>
/// A period during which a campaign's new alerts are recorded but neither shown on the banner nor sent to webhooks
/// (e.g. a planned payment-provider maintenance). At most one mute of a campaign covers any moment.
/// </summary>
public sealed class AlertMute
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public required string CreatedBy { get; set; }
    /// <summary>When it was ended (or cancelled, before it started) by hand; null while it runs its course.</summary>
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndedBy { get; set; }
}

/// <summary>An outbound webhook of a campaign: alert events are POSTed to it, signed with its secret.</summary>
public sealed class AlertWebhook
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public required string Url { get; set; }
    /// <summary>HMAC-SHA256 key of the signature header; shown to the creator once, when the webhook is created.</summary>
    public required string Secret { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    /// <summary>The message format: <c>json</c> (signed JSON, the default), <c>slack</c>, <c>discord</c> or <c>teams</c>.</summary>
    public string Format { get; set; } = "json";
}

/// <summary>One alert event to deliver to one webhook, with its attempts so far (the delivery log).</summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public Guid WebhookId { get; set; }
    public Guid CampaignId { get; set; }
    public Guid AlertId { get; set; }
    /// <summary><c>alert.opened</c>, <c>alert.acknowledged</c> or <c>alert.resolved</c>.</summary>
    public required string Event { get; set; }
    public required string Payload { get; set; }
    /// <summary><c>pending</c>, <c>delivered</c>, <c>failed</c> (gave up) or <c>muted</c> (held by a mute, then not sent: the alert resolved during it).</summary>
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
}
