using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>
/// Answers "may this actor see / manage this campaign, and may they see its customers?" from the database on every
/// call, so a removed membership or a revoked grant takes effect at once. Creators reach the campaigns of the
/// organisations they belong to; admins reach every campaign's aggregates but, like everyone, need a live grant
/// for customer-level data.
/// </summary>
public sealed class CampaignAccess(IDbContextFactory<CrowdstartDbContext> contexts, TimeProvider time)
{
    /// <summary>Whether the actor may see the campaign's aggregates. Unknown campaigns are simply not readable.</summary>
    public async Task<bool> CanReadAsync(Actor actor, Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return actor.IsAdmin
            ? await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct)
            : await MemberCampaigns(db, actor).AnyAsync(c => c.Id == campaignId, ct);
    }

    /// <summary>Whether the actor may manage the campaign (ingest keys): members of its organisation and admins.</summary>
    public Task<bool> CanManageAsync(Actor actor, Guid campaignId, CancellationToken ct = default) => CanReadAsync(actor, campaignId, ct);

    /// <summary>The campaigns the actor may see, by launch time.</summary>
    public async Task<List<CampaignInfo>> ReadableCampaignsAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = actor.IsAdmin ? db.Campaigns.AsNoTracking() : MemberCampaigns(db, actor);
        var campaigns = await q.OrderBy(c => c.LaunchAt).ThenBy(c => c.Name).ToListAsync(ct);
        return campaigns.ConvertAll(CampaignInfo.From);
    }

    /// <summary>
    /// The campaign, or null when unknown. Not filtered by actor: callers behind a campaign route policy (or that
    /// checked <see cref="CanReadAsync"/>) only need its name and figures.
    /// </summary>
    public async Task<CampaignInfo?> FindAsync(Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct) is { } campaign ? CampaignInfo.From(campaign) : null;
    }

    /// <summary>The actor's live grant for the campaign's customer-level data (latest expiry first), or null.</summary>
    public async Task<GrantInfo?> LiveGrantAsync(Actor actor, Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await LiveGrantAsync(db, actor, campaignId, ct) is { } grant ? GrantInfo.From(grant) : null;
    }

    /// <summary>
    /// Same as <see cref="LiveGrantAsync(Actor, Guid, CancellationToken)"/> inside the caller's context and
    /// transaction. The grant row is share-locked, so a revocation waits until a read that relied on the grant has
    /// committed: a read can never go through after the revocation that should have stopped it.
    /// </summary>
    public async Task<DataAccessGrant?> LiveGrantAsync(CrowdstartDbContext db, Actor actor, Guid campaignId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // A grant only works while its holder can still read the campaign (e.g. not after leaving the organisation).
        var canRead = actor.IsAdmin
            ? await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct)
            : await MemberCampaigns(db, actor).AnyAsync(c => c.Id == campaignId, ct);
        if (!canRead)
        {
            return null;
        }
        var grants = await db.DataAccessGrants
            .FromSql($"SELECT * FROM data_access_grants WHERE user_id = {actor.UserId} AND campaign_id = {campaignId} AND revoked_at IS NULL AND expires_at > {now} FOR SHARE")
            .AsNoTracking()
            .ToListAsync(ct);
        return grants.MaxBy(g => g.ExpiresAt);
    }

    private static IQueryable<Campaign> MemberCampaigns(CrowdstartDbContext db, Actor actor) =>
        db.Campaigns.AsNoTracking().Where(c =>
            db.OrganisationMembers.Any(m => m.UserId == actor.UserId && m.OrganisationId == c.OrganisationId));
}
