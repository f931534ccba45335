using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Metrics;

/// <summary>
/// One row of a campaign's live event feed. Aggregate-level by default: <see cref="CustomerId"/> is only filled
/// by <see cref="Accounts.CustomerFeedSession"/>, which needs a live data-access grant.
/// </summary>
public sealed record FeedEvent(Guid EventId, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, string Type, string Source,
    decimal? Amount, string? Currency, string? CustomerId = null);

/// <summary>The newest events of a campaign, read from the log by its (campaign, occurred_at) index.</summary>
public sealed class EventFeedQueries(IDbContextFactory<CrowdstartDbContext> contexts)
{
    /// <summary>Most rows a feed shows.</summary>
    public const int MaxRows = 100;

    /// <summary>The newest <paramref name="limit"/> events by event time, without customer ids.</summary>
    public async Task<IReadOnlyList<FeedEvent>> RecentAsync(Guid campaignId, int limit = 25, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Recent(db, campaignId, limit)
            .Select(e => new FeedEvent(e.EventId, e.OccurredAt, e.ReceivedAt, e.Type, e.Source, e.Amount, e.Currency, null))
            .ToListAsync(ct);
    }

    /// <summary>The same rows with the customers' pseudonymous ids; only for callers that checked a live grant.</summary>
    internal static Task<List<FeedEvent>> RecentWithCustomersAsync(CrowdstartDbContext db, Guid campaignId, int limit, CancellationToken ct) =>
        Recent(db, campaignId, limit)
            .Select(e => new FeedEvent(e.EventId, e.OccurredAt, e.ReceivedAt, e.Type, e.Source, e.Amount, e.Currency, e.CustomerId))
            .ToListAsync(ct);

    private static IQueryable<Storage.Entities.LogEntry> Recent(CrowdstartDbContext db, Guid campaignId, int limit) =>
        db.EventLog.AsNoTracking()
            .Where(e => e.CampaignId == campaignId)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.ReceivedAt)
            .Take(Math.Clamp(limit, 1, MaxRows));
}
