using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>A data-access grant: one user may read one campaign's customer-level data, for a reason, until it expires or is revoked.</summary>
public sealed record GrantInfo(
    Guid Id,
    Guid CampaignId,
    Guid UserId,
    string Reason,
    Guid GrantedByUserId,
    DateTimeOffset GrantedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    Guid? RevokedByUserId,
    Guid? RequestId)
{
    internal static GrantInfo From(DataAccessGrant g) =>
        new(g.Id, g.CampaignId, g.UserId, g.Reason, g.GrantedByUserId, g.GrantedAt, g.ExpiresAt, g.RevokedAt, g.RevokedByUserId, g.RequestId);
}
