using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>Filter for browsing the audit log; every part is optional.</summary>
public sealed record AuditQuery(
    DateTimeOffset? From = null, DateTimeOffset? To = null, string? Action = null, Guid? CampaignId = null,
    string? Actor = null, string? CustomerId = null, int Skip = 0, int Take = 50);

/// <summary>
/// The append-only audit log. Entries are added inside the caller's transaction, so a read and its audit entry
/// commit together or not at all. The database refuses to change or delete entries.
/// </summary>
public sealed class AuditLog(IDbContextFactory<CrowdstartDbContext> contexts, TimeProvider time)
{
    /// <summary>Adds an entry to <paramref name="db"/>'s change tracker; it is written by the caller's SaveChanges.</summary>
    public AuditEntry Add(CrowdstartDbContext db, Actor actor, string action, Guid? campaignId = null, string? customerId = null,
        Guid? grantId = null, string? details = null)
    {
        var entry = new AuditEntry
        {
            At = time.GetUtcNow(),
            ActorUserId = actor.AuditUserId,
            ActorName = actor.Name,
            Action = action,
            CampaignId = campaignId,
            CustomerId = customerId,
            GrantId = grantId,
            Details = details is { Length: > 2000 } ? details[..2000] : details,
        };
        db.AuditLog.Add(entry);
        return entry;
    }

    /// <summary>Writes one entry in its own transaction.</summary>
    public async Task WriteAsync(Actor actor, string action, Guid? campaignId = null, string? details = null, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        Add(db, actor, action, campaignId, details: details);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Entries matching <paramref name="query"/>, newest first, and the total count of matches.</summary>
    public async Task<(IReadOnlyList<AuditEntryInfo> Entries, int Total)> QueryAsync(AuditQuery query, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.AuditLog.AsNoTracking();
        if (query.From is { } from)
        {
            q = q.Where(e => e.At >= from);
        }
        if (query.To is { } to)
        {
            q = q.Where(e => e.At < to);
        }
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            q = q.Where(e => e.Action == query.Action);
        }
        if (query.CampaignId is { } campaign)
        {
            q = q.Where(e => e.CampaignId == campaign);
        }
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var pattern = "%" + EscapeLike(query.Actor.Trim()) + "%";
            q = q.Where(e => EF.Functions.ILike(e.ActorName, pattern, "\\"));
        }
        if (!string.IsNullOrWhiteSpace(query.CustomerId))
        {
            // An ad-hoc query that read several customers names them in its details (see CustomerQueryDetails).
            var customer = query.CustomerId.Trim();
            var named = "%\"" + EscapeLike(customer) + "\"%";
            q = q.Where(e => e.CustomerId == customer ||
                             (e.Action == AuditActions.CustomerQueryRead && e.Details != null && EF.Functions.Like(e.Details, named, "\\")));
        }
        var total = await q.CountAsync(ct);
        var entries = await q.OrderByDescending(e => e.Id).Skip(Math.Max(0, query.Skip)).Take(Math.Clamp(query.Take, 1, 500)).ToListAsync(ct);
        return (entries.ConvertAll(AuditEntryInfo.From), total);
    }

    /// <summary>
    /// Details of an ad-hoc query's entry: its rows, how many customers it read and the first of them, each in double
    /// quotes so a search for one customer finds the entry and not its prefixes (customer ids hold no quotes).
    /// </summary>
    public static string CustomerQueryDetails(int rows, IReadOnlyList<string> customers, long total)
    {
        var details = new System.Text.StringBuilder($"ad-hoc query by customer, {rows} rows; {total} customer{(total == 1 ? "" : "s")}");
        var listed = 0;
        foreach (var customer in customers)
        {
            // Ids are up to 128 characters: stop before the entry's 2,000-character limit rather than cut one in half.
            if (details.Length + customer.Length + 40 > 2000)
            {
                break;
            }
            details.Append(listed == 0 ? ": " : ", ").Append('"').Append(customer).Append('"');
            listed++;
        }
        if (listed < total)
        {
            details.Append($" (first {listed})");
        }
        return details.ToString();
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
