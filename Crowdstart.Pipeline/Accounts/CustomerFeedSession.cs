using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>
/// A grant holder watching the live event feed with customer ids. Opening the session reads the first rows and
/// writes one audit entry (with the grant) in the same transaction; every later refresh re-checks the grant under
/// a share lock in its own read transaction, so a revocation stops the ids at the next refresh. One entry per
/// watch, not per refresh: a feed refreshing four times a second would otherwise bury the audit log.
/// </summary>
public sealed class CustomerFeedSession
{
    private readonly IDbContextFactory<CrowdstartDbContext> _contexts;
    private readonly CampaignAccess _access;

    internal CustomerFeedSession(IDbContextFactory<CrowdstartDbContext> contexts, CampaignAccess access, Actor actor, Guid campaignId,
        Guid grantId, IReadOnlyList<FeedEvent> first)
    {
        (_contexts, _access, Actor, CampaignId, GrantId, First) = (contexts, access, actor, campaignId, grantId, first);
    }

    public Actor Actor { get; }
    public Guid CampaignId { get; }

    /// <summary>The grant the audit entry names.</summary>
    public Guid GrantId { get; }

    /// <summary>Rows read when the session was opened.</summary>
    public IReadOnlyList<FeedEvent> First { get; }

    /// <summary>The newest rows with customer ids; throws <see cref="AccessDeniedException"/> once the grant has ended.</summary>
    public async Task<IReadOnlyList<FeedEvent>> ReadAsync(int limit = 25, CancellationToken ct = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var grant = await _access.LiveGrantAsync(db, Actor, CampaignId, ct)
            ?? throw new AccessDeniedException("The data-access grant for this campaign has ended.");
        // The audit entry names the grant the watch was opened under; under another grant the watch starts again
        // (and is audited again) rather than reading on a grant the log does not name.
        if (grant.Id != GrantId)
        {
            throw new AccessDeniedException("The data-access grant for this campaign has changed; switch customer ids on again.");
        }
        var rows = await EventFeedQueries.RecentWithCustomersAsync(db, CampaignId, limit, ct);
        await tx.CommitAsync(ct);
        return rows;
    }
}

