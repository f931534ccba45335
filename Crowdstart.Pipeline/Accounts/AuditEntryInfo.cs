using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>One entry of the audit log, as it is browsed.</summary>
public sealed record AuditEntryInfo(
    long Id,
    DateTimeOffset At,
    Guid? ActorUserId,
    string ActorName,
    string Action,
    Guid? CampaignId,
    string? CustomerId,
    Guid? GrantId,
    string? Details)
{
    internal static AuditEntryInfo From(AuditEntry e) => new(e.Id, e.At, e.ActorUserId, e.ActorName, e.Action, e.CampaignId, e.CustomerId, e.GrantId, e.Details);
}
