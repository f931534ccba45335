using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// An alert as it stood when it was read. <c>Status</c> is one of <see cref="AlertStatus"/>; <c>ResolvedBy</c> names who
/// resolved it by hand and is null when it resolved by itself. <c>MutedUntil</c> is set when it opened during a mute:
/// until then it stays off the banner and its webhooks are held.
/// </summary>
public sealed record AlertInfo(
    Guid Id,
    Guid CampaignId,
    string Detector,
    string Scope,
    string Status,
    string Severity,
    string Message,
    double Value,
    double BaselineLow,
    double BaselineHigh,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AcknowledgedAt,
    Guid? AcknowledgedByUserId,
    string? AcknowledgedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    DateTimeOffset? MutedUntil = null)
{
    /// <summary>Whether the alert is held by a mute at <paramref name="now"/> (off the banner, webhooks not sent yet).</summary>
    public bool IsHeld(DateTimeOffset now) => MutedUntil is { } until && until > now && until > OpenedAt;

    internal static AlertInfo From(Alert a) => new(a.Id, a.CampaignId, a.Detector, a.Scope, a.Status, a.Severity, a.Message, a.Value, a.BaselineLow,
        a.BaselineHigh, a.OpenedAt, a.UpdatedAt, a.AcknowledgedAt, a.AcknowledgedByUserId, a.AcknowledgedBy, a.ResolvedAt, a.ResolvedBy, a.MutedUntil);
}
