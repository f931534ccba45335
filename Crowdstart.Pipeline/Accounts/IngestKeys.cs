using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>
/// Creators' management of their campaigns' ingest keys: create (the plaintext is returned once and never
/// stored), name, revoke. A revoked key stops working at once: the authenticator's cache is dropped, on every instance.
/// </summary>
public sealed class IngestKeys(
    IDbContextFactory<CrowdstartDbContext> contexts, CampaignStore store, CampaignAccess access, AuditLog audit,
    IngestKeyAuthenticator authenticator, TimeProvider time)
{
    /// <summary>The campaign's keys, newest first (hashes are never returned).</summary>
    public async Task<List<IngestKeyInfo>> ListAsync(Actor actor, Guid campaignId, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var keys = await db.IngestKeys.AsNoTracking().Where(k => k.CampaignId == campaignId).OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
        return keys.ConvertAll(IngestKeyInfo.From);
    }

    /// <summary>Creates a named key; returns it in plain text, the only time it is ever shown.</summary>
    public async Task<(IngestKeyInfo Key, string Plaintext)> CreateAsync(Actor actor, Guid campaignId, string name, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is < 1 or > 100)
        {
            throw new DomainValidationException(nameof(name), "A key needs a name of 1 to 100 characters.");
        }
        var plaintext = CampaignStore.NewKey();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = store.NewKeyRow(campaignId, trimmed, plaintext, actor.AuditUserId);
        db.IngestKeys.Add(row);
        audit.Add(db, actor, AuditActions.IngestKeyCreated, campaignId, details: $"{trimmed} ({row.Prefix}…)");
        await db.SaveChangesAsync(ct);
        return (IngestKeyInfo.From(row), plaintext);
    }

    /// <summary>Revokes a key of the campaign now.</summary>
    public async Task RevokeAsync(Actor actor, Guid campaignId, Guid keyId, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var key = await db.IngestKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.CampaignId == campaignId, ct)
            ?? throw new NotFoundException("Unknown key.");
        if (key.RevokedAt is null)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            key.RevokedAt = time.GetUtcNow();
            key.RevokedByUserId = actor.AuditUserId;
            audit.Add(db, actor, AuditActions.IngestKeyRevoked, campaignId, details: $"{key.Name} ({key.Prefix}…)");
            await db.SaveChangesAsync(ct);
            // The other instances drop their cached keys when (and only if) the revocation commits.
            await authenticator.AnnounceRevocationAsync(db.Database, campaignId, ct);
            await tx.CommitAsync(ct);
        }
        authenticator.Invalidate();
    }

    private async Task RequireManageAsync(Actor actor, Guid campaignId, CancellationToken ct)
    {
        if (!await access.CanManageAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot manage this campaign.");
        }
    }
}
