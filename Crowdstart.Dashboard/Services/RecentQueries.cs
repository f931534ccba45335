using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Query;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Dashboard.Services;

/// <summary>
/// The explorer's memory of each user's last queries. Running the same query again moves it to the top instead of
/// repeating it. Queries that read customer ids are never remembered: their filter values are customer-level data,
/// which lives under grants and retention limits, not in a convenience list.
/// </summary>
public sealed class RecentQueries(IDbContextFactory<CrowdstartDbContext> contexts, TimeProvider time)
{
    /// <summary>How many queries are kept per user.</summary>
    public const int Keep = 15;

    /// <summary>Remembers <paramref name="form"/> (the page's encoding of <paramref name="query"/>) unless the query reads customer ids.</summary>
    public async Task RememberAsync(Actor actor, ExploreQuery query, string form, string summary, CancellationToken ct = default)
    {
        if (actor.AuditUserId is null || form.Length > 8000 || QueryFields.ReadsCustomers(query))
        {
            return;
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.RecentQueries.Where(q => q.UserId == actor.UserId && q.Form == form).ExecuteDeleteAsync(ct);
        db.RecentQueries.Add(new RecentQuery
        {
            Id = Guid.NewGuid(),
            UserId = actor.UserId,
            Form = form,
            Summary = summary.Length > 400 ? summary[..399] + "…" : summary,
            RanAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        var stale = await db.RecentQueries.Where(q => q.UserId == actor.UserId).OrderByDescending(q => q.RanAt).Skip(Keep).Select(q => q.Id).ToListAsync(ct);
        if (stale.Count > 0)
        {
            await db.RecentQueries.Where(q => stale.Contains(q.Id)).ExecuteDeleteAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The user's remembered queries, newest first.</summary>
    public async Task<List<RecentQueryInfo>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.RecentQueries.AsNoTracking().Where(q => q.UserId == actor.UserId).OrderByDescending(q => q.RanAt).Take(Keep)
            .Select(q => new RecentQueryInfo(q.Id, q.Form, q.Summary, q.RanAt)).ToListAsync(ct);
    }
}
