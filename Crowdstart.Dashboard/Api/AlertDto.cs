using Crowdstart.Pipeline.Alerts;

namespace Crowdstart.Dashboard.Api;

/// <summary>
/// An alert as API clients see it (the JSON names are those of the former entity response). Who acknowledged it is
/// the user name, as on the page; the internal user id stays in the database.
/// </summary>
public sealed record AlertDto(Guid Id, Guid CampaignId, string Detector, string Scope, string Status, string Severity, string Message,
    double Value, double BaselineLow, double BaselineHigh, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, DateTimeOffset? ResolvedAt, string? ResolvedBy)
{
    public static AlertDto From(AlertInfo a) => new(a.Id, a.CampaignId, a.Detector, a.Scope, a.Status, a.Severity, a.Message,
        a.Value, a.BaselineLow, a.BaselineHigh, a.OpenedAt, a.UpdatedAt, a.AcknowledgedAt, a.AcknowledgedBy, a.ResolvedAt, a.ResolvedBy);
}
