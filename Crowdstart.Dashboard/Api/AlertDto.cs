using Crowdstart.Pipeline.Alerts;

namespace Crowdstart.Dashboard.Api;

/// <summary>
/// An alert as API clients see it (the JSON names are those of the former entity response). Who acknowledged it is
/// the user name, as on the page; the internal user id stays in the database. <c>Message</c> is the detector's sentence
/// (present tense, as last seen while open); <c>Summary</c> reads right for the alert's state: for a resolved alert,
/// "Recovered at 14:05 UTC after 12 min. Last reading while open: …". <c>MutedUntil</c>: it opened during a mute that
/// held it until then.
/// </summary>
public sealed record AlertDto(Guid Id, Guid CampaignId, string Detector, string Scope, string Status, string Severity, string Message,
    double Value, double BaselineLow, double BaselineHigh, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, DateTimeOffset? ResolvedAt, string? ResolvedBy, string Summary, DateTimeOffset? MutedUntil)
{
    public static AlertDto From(AlertInfo a) => new(a.Id, a.CampaignId, a.Detector, a.Scope, a.Status, a.Severity, a.Message,
        a.Value, a.BaselineLow, a.BaselineHigh, a.OpenedAt, a.UpdatedAt, a.AcknowledgedAt, a.AcknowledgedBy, a.ResolvedAt, a.ResolvedBy,
        AlertWording.Summary(a, AlertWording.Utc), a.MutedUntil);
}

/// <summary>
/// A webhook as listed: never its secret, and its address masked (<see cref="WebhookInfo.Mask"/>: chat webhook URLs carry
/// their token). <c>Format</c>: json, slack, discord or teams.
/// </summary>
public sealed record WebhookDto(Guid Id, string Url, string Format, DateTimeOffset CreatedAt)
{
    public static WebhookDto From(WebhookInfo w) => new(w.Id, w.MaskedUrl, w.Format, w.CreatedAt);
}

/// <summary>A webhook just created: <see cref="Secret"/> (the signing key) is shown this once.</summary>
public sealed record CreatedWebhookDto(Guid Id, string Url, string Format, DateTimeOffset CreatedAt, string Secret);

/// <summary>Body of a webhook creation: the URL and the format (json when left out).</summary>
public sealed record CreateWebhookRequest(string? Url, string? Format);

/// <summary>A line of the delivery log.</summary>
public sealed record WebhookDeliveryDto(long Id, Guid WebhookId, Guid AlertId, string Event, string Status, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, int? LastStatusCode, string? LastError)
{
    public static WebhookDeliveryDto From(WebhookDeliveryInfo d) => new(d.Id, d.WebhookId, d.AlertId, d.Event, d.Status, d.Attempts, d.CreatedAt,
        d.NextAttemptAt, d.DeliveredAt, d.LastStatusCode, d.LastError);
}

/// <summary>
/// A mute of the campaign's alerts. <c>Until</c> is when it stops (or stopped) muting: <c>EndsAt</c>, or <c>EndedAt</c>
/// when it was ended early; <c>Active</c> says whether it mutes right now.
/// </summary>
public sealed record AlertMuteDto(Guid Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, DateTimeOffset Until, string Reason, bool Active,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? EndedAt, string? EndedBy)
{
    public static AlertMuteDto From(AlertMuteInfo m, DateTimeOffset now) =>
        new(m.Id, m.StartsAt, m.EndsAt, m.Until, m.Reason, m.IsActive(now), m.CreatedAt, m.CreatedBy, m.EndedAt, m.EndedBy);
}

/// <summary>Body of a mute: from <c>startsAt</c> (now when left out) until <c>endsAt</c> (at most 7 days later), and why.</summary>
public sealed record CreateMuteRequest(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Reason);
