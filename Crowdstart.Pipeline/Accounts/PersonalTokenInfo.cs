using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>
/// A personal API token as its owner sees it: neither the hash nor the security stamp leaves the pipeline.
/// <c>Superseded</c>: the account's stamp changed since the token was made, so it no longer works.
/// </summary>
public sealed record PersonalTokenInfo(
    Guid Id,
    Guid UserId,
    string Name,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt,
    bool Superseded)
{
    internal static PersonalTokenInfo From(PersonalToken t, bool superseded) =>
        new(t.Id, t.UserId, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, superseded);
}
