using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>An ingest key as its campaign's creators see it: the hash never leaves the pipeline. <c>LastEventAt</c> is a few seconds behind.</summary>
public sealed record IngestKeyInfo(
    Guid Id,
    Guid CampaignId,
    string Name,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    Guid? CreatedByUserId,
    Guid? RevokedByUserId,
    DateTimeOffset? LastEventAt = null)
{
    internal static IngestKeyInfo From(IngestKey k) =>
        new(k.Id, k.CampaignId, k.Name, k.Prefix, k.CreatedAt, k.RevokedAt, k.CreatedByUserId, k.RevokedByUserId, k.LastEventAt);
}
