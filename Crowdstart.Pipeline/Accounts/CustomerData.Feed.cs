using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Metrics;

namespace Crowdstart.Pipeline.Accounts;

public sealed partial class CustomerData
{
    /// <summary>Starts watching the live feed with customer ids (needs a live grant; audited once, with the grant).</summary>
    public async Task<CustomerFeedSession> OpenFeedAsync(Actor actor, Guid campaignId, int limit = 25, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var grant = await access.LiveGrantAsync(db, actor, campaignId, ct)
            ?? throw new AccessDeniedException("Customer-level data needs a live data-access grant for this campaign.");
        var rows = await EventFeedQueries.RecentWithCustomersAsync(db, campaignId, limit, ct);
        audit.Add(db, actor, AuditActions.CustomerFeedWatched, campaignId, null, grant.Id, "live event feed with customer ids");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new CustomerFeedSession(contexts, access, actor, campaignId, grant.Id, rows);
    }
}
