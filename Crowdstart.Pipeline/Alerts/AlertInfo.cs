using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// An alert as it stood when it was read. <c>Status</c> is one of <see cref="AlertStatus"/>; <c>ResolvedBy</c> names who
/// resolved it by hand and is null when it resolved by itself.
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
    string? ResolvedBy)
{
    internal static AlertInfo From(Alert a) => new(a.Id, a.CampaignId, a.Detector, a.Scope, a.Status, a.Severity, a.Message, a.Value, a.BaselineLow,
        a.BaselineHigh, a.OpenedAt, a.UpdatedAt, a.AcknowledgedAt, a.AcknowledgedByUserId, a.AcknowledgedBy, a.ResolvedAt, a.ResolvedBy);
}
