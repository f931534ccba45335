using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>One event of a customer's timeline (no ids beyond the pseudonymous ones the page already shows).</summary>
public sealed record TimelineEvent(DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, string Type, string Source, string SessionId,
    decimal? Amount, string? Currency, string? Properties);

/// <summary>One customer in a campaign's customer list.</summary>
public sealed record CustomerSummary(string CustomerId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int Events, int Pledges, decimal Pledged);

/// <summary>
/// The only way to read customer-level data. Each read checks for a live grant and writes its audit entry in the
/// same transaction as the read itself, so there is no read without an audit entry and no audit entry for a
/// read that did not happen.
/// </summary>
public sealed partial class CustomerData(IDbContextFactory<CrowdstartDbContext> contexts, CampaignAccess access, AuditLog audit)
{
    /// <summary>Marks customer ids erased by retention; it can never be a real id (ingestion refuses '~').</summary>
    public const string ErasedCustomerId = "~erased";

    /// <summary>Most events shown in one timeline.</summary>
    public const int MaxTimelineEvents = 5000;

    /// <summary>One customer's events in a campaign, oldest first.</summary>
    public async Task<IReadOnlyList<TimelineEvent>> TimelineAsync(Actor actor, Guid campaignId, string customerId, CancellationToken ct = default)
    {
        // Checked like ingestion checks ids, before anything is read or written to the (permanent) audit log.
        if (!OpaqueId().IsMatch(customerId ?? "") || Privacy.PiiScanner.FindInId(customerId!) is not null)
        {
            throw new DomainValidationException(nameof(customerId), "A customer id is an opaque id of at most 128 letters, digits, '.', '_', ':' or '-'.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var grant = await access.LiveGrantAsync(db, actor, campaignId, ct)
            ?? throw new AccessDeniedException("Customer-level data needs a live data-access grant for this campaign.");
        var events = await db.EventLog.AsNoTracking()
            .Where(e => e.CampaignId == campaignId && e.CustomerId == customerId)
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.ReceivedAt)
            .Take(MaxTimelineEvents)
            .Select(e => new TimelineEvent(e.OccurredAt, e.ReceivedAt, e.Type, e.Source, e.SessionId, e.Amount, e.Currency, e.Properties))
            .ToListAsync(ct);
        audit.Add(db, actor, AuditActions.CustomerTimelineRead, campaignId, customerId, grant.Id, $"{events.Count} events");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return events;
    }

    /// <summary>The campaign's most recently active customers (their pseudonymous ids), newest first.</summary>
    public async Task<IReadOnlyList<CustomerSummary>> CustomersAsync(Actor actor, Guid campaignId, int limit = 100, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, 500);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var grant = await access.LiveGrantAsync(db, actor, campaignId, ct)
            ?? throw new AccessDeniedException("Customer-level data needs a live data-access grant for this campaign.");
        var grouped = await db.EventLog.AsNoTracking()
            .Where(e => e.CampaignId == campaignId && e.CustomerId != ErasedCustomerId)
            .GroupBy(e => e.CustomerId)
            .Select(g => new
            {
                CustomerId = g.Key,
                FirstSeen = g.Min(e => e.OccurredAt),
                LastSeen = g.Max(e => e.OccurredAt),
                Events = g.Count(),
                Pledges = g.Sum(e => e.Type == Events.EventTypes.PledgeCompleted ? 1 : 0),
                Pledged = g.Sum(e => e.Type == Events.EventTypes.PledgeCompleted ? e.Amount ?? 0 : 0),
            })
            .OrderByDescending(c => c.LastSeen)
            .Take(limit)
            .ToListAsync(ct);
        var rows = grouped.Select(c => new CustomerSummary(c.CustomerId, c.FirstSeen, c.LastSeen, c.Events, c.Pledges, c.Pledged)).ToList();
        audit.Add(db, actor, AuditActions.CustomerListRead, campaignId, null, grant.Id, $"{rows.Count} customers listed");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return rows;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9._:\-]{1,128}$")]
    private static partial System.Text.RegularExpressions.Regex OpaqueId();
}
