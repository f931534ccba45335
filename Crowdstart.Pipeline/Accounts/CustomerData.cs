using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>One event of a customer's timeline (no ids beyond the pseudonymous ones the page already shows).</summary>
public sealed record TimelineEvent(DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, string Type, string Source, string SessionId,
    decimal? Amount, string? Currency, string? Properties);

/// <summary>One customer in a campaign's customer list (<see cref="Refunds"/> and <see cref="Carts"/> are filled by <see cref="CustomerData.CustomerPageAsync"/>).</summary>
public sealed record CustomerSummary(string CustomerId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int Events, int Pledges, decimal Pledged,
    int Refunds = 0, int Carts = 0);

/// <summary>Which customers a customer list shows.</summary>
public enum CustomerFilter
{
    All,
    /// <summary>Completed at least one pledge.</summary>
    Pledged,
    /// <summary>Had at least one pledge refunded.</summary>
    Refunded,
    /// <summary>Created a cart and never completed a pledge.</summary>
    Abandoned,
}

/// <summary>The column a customer list is ordered by (ties by customer id).</summary>
public enum CustomerSort { LastSeen, FirstSeen, Events, Pledged }

/// <summary>
/// A page of a campaign's customer list: <paramref name="Search"/> is part of a customer id (any case), <paramref name="Page"/>
/// counts from 1, <paramref name="PageSize"/> is 1–<see cref="CustomerData.MaxPageSize"/>.
/// </summary>
public sealed record CustomerListQuery(string? Search = null, CustomerFilter Filter = CustomerFilter.All, CustomerSort Sort = CustomerSort.LastSeen,
    bool Descending = true, int Page = 1, int PageSize = 25);

/// <summary>One page of customers and how many match in all.</summary>
public sealed record CustomerPage(IReadOnlyList<CustomerSummary> Rows, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

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

    /// <summary>Most customers on one page of the list.</summary>
    public const int MaxPageSize = 200;

    /// <summary>
    /// One page of the campaign's customers: searched by part of the id, filtered (pledged, refunded, abandoned cart), sorted
    /// and paged in the database, with the total that match. Needs a live grant; audited like <see cref="CustomersAsync"/>.
    /// </summary>
    public async Task<CustomerPage> CustomerPageAsync(Actor actor, Guid campaignId, CustomerListQuery query, CancellationToken ct = default)
    {
        var search = query.Search?.Trim() ?? "";
        if (search.Length > 128)
        {
            throw new DomainValidationException("search", "Search for at most 128 characters of a customer id.");
        }
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = Math.Max(1, query.Page);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var grant = await access.LiveGrantAsync(db, actor, campaignId, ct)
            ?? throw new AccessDeniedException("Customer-level data needs a live data-access grant for this campaign.");
        var events = db.EventLog.AsNoTracking().Where(e => e.CampaignId == campaignId && e.CustomerId != ErasedCustomerId);
        if (search.Length > 0)
        {
            var pattern = "%" + search.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            events = events.Where(e => EF.Functions.ILike(e.CustomerId, pattern, "\\"));
        }
        var customers = events.GroupBy(e => e.CustomerId).Select(g => new
        {
            CustomerId = g.Key,
            FirstSeen = g.Min(e => e.OccurredAt),
            LastSeen = g.Max(e => e.OccurredAt),
            Events = g.Count(),
            Pledges = g.Sum(e => e.Type == Events.EventTypes.PledgeCompleted ? 1 : 0),
            Pledged = g.Sum(e => e.Type == Events.EventTypes.PledgeCompleted ? e.Amount ?? 0 : 0),
            Refunds = g.Sum(e => e.Type == Events.EventTypes.PledgeRefunded ? 1 : 0),
            Carts = g.Sum(e => e.Type == Events.EventTypes.CartCreated ? 1 : 0),
        });
        customers = query.Filter switch
        {
            CustomerFilter.Pledged => customers.Where(c => c.Pledges > 0),
            CustomerFilter.Refunded => customers.Where(c => c.Refunds > 0),
            CustomerFilter.Abandoned => customers.Where(c => c.Carts > 0 && c.Pledges == 0),
            _ => customers,
        };
        var total = await customers.CountAsync(ct);
        var ordered = (query.Sort, query.Descending) switch
        {
            (CustomerSort.FirstSeen, false) => customers.OrderBy(c => c.FirstSeen),
            (CustomerSort.FirstSeen, true) => customers.OrderByDescending(c => c.FirstSeen),
            (CustomerSort.Events, false) => customers.OrderBy(c => c.Events),
            (CustomerSort.Events, true) => customers.OrderByDescending(c => c.Events),
            (CustomerSort.Pledged, false) => customers.OrderBy(c => c.Pledged),
            (CustomerSort.Pledged, true) => customers.OrderByDescending(c => c.Pledged),
            (_, false) => customers.OrderBy(c => c.LastSeen),
            _ => customers.OrderByDescending(c => c.LastSeen),
        };
        var rows = (await ordered.ThenBy(c => c.CustomerId).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct))
            .Select(c => new CustomerSummary(c.CustomerId, c.FirstSeen, c.LastSeen, c.Events, c.Pledges, c.Pledged, c.Refunds, c.Carts)).ToList();
        audit.Add(db, actor, AuditActions.CustomerListRead, campaignId, null, grant.Id,
            $"{rows.Count} of {total} customers listed (page {page}, {query.Filter.ToString().ToLowerInvariant()}{(search.Length > 0 ? ", search" : "")})");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new CustomerPage(rows, total, page, pageSize);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9._:\-]{1,128}$")]
    private static partial System.Text.RegularExpressions.Regex OpaqueId();
}
