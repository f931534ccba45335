using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>A creator's request for customer-level access and, once decided, the decision (<see cref="AccessRequestStatus"/>).</summary>
public sealed record AccessRequestInfo(
    Guid Id,
    Guid CampaignId,
    Guid UserId,
    string Reason,
    DateTimeOffset RequestedAt,
    string Status,
    Guid? DecidedByUserId,
    DateTimeOffset? DecidedAt,
    string? DecisionNote)
{
    internal static AccessRequestInfo From(DataAccessRequest r) =>
        new(r.Id, r.CampaignId, r.UserId, r.Reason, r.RequestedAt, r.Status, r.DecidedByUserId, r.DecidedAt, r.DecisionNote);

    /// <summary>Still waiting for an admin.</summary>
    public bool IsPending => Status == AccessRequestStatus.Pending;

    /// <summary>An admin said no.</summary>
    public bool IsDenied => Status == AccessRequestStatus.Denied;
}
