using Crowdstart.Pipeline.Accounts;

namespace Crowdstart.Dashboard.Api;

/// <summary>One audit-log entry as the admin API returns it (the JSON names are those of the former entity response).</summary>
public sealed record AuditEntryDto(long Id, DateTimeOffset At, Guid? ActorUserId, string ActorName, string Action, Guid? CampaignId,
    string? CustomerId, Guid? GrantId, string? Details)
{
    public static AuditEntryDto From(AuditEntryInfo e) => new(e.Id, e.At, e.ActorUserId, e.ActorName, e.Action, e.CampaignId, e.CustomerId, e.GrantId, e.Details);
}
