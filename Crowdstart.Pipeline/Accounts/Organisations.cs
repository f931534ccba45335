using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>Retention limits in force for one organisation, and whether each is the deployment default.</summary>
public sealed record EffectiveRetention(int RawEventDays, int CustomerDataDays, int AggregateDays, bool RawIsDefault, bool CustomerIsDefault,
    bool AggregateIsDefault);

/// <summary>An organisation with its members and campaign count, for the admin pages.</summary>
public sealed record OrganisationView(OrganisationInfo Organisation, IReadOnlyList<string> Members, int Campaigns, EffectiveRetention Retention);

/// <summary>Organisations, their members and their retention settings.</summary>
public sealed class Organisations(IDbContextFactory<CrowdstartDbContext> contexts, AuditLog audit, IOptions<RetentionOptions> defaults, TimeProvider time)
{
    /// <summary>Creates an organisation (admins).</summary>
    public async Task<OrganisationInfo> CreateAsync(Actor actor, string slug, string name, Guid? id = null, CancellationToken ct = default)
    {
        RequireAdminOrSystem(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var org = new Organisation { Id = id ?? Guid.NewGuid(), Slug = slug.Trim().ToLowerInvariant(), Name = name.Trim(), CreatedAt = time.GetUtcNow() };
        db.Organisations.Add(org);
        audit.Add(db, actor, AuditActions.OrganisationCreated, details: $"{org.Name} ({org.Slug})");
        await db.SaveChangesAsync(ct);
        return OrganisationInfo.From(org);
    }

    /// <summary>Makes a user a member of an organisation (admins); adding twice is a no-op.</summary>
    public async Task AddMemberAsync(Actor actor, Guid organisationId, Guid userId, CancellationToken ct = default)
    {
        RequireAdminOrSystem(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.OrganisationMembers.AnyAsync(m => m.OrganisationId == organisationId && m.UserId == userId, ct))
        {
            return;
        }
        db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = organisationId, UserId = userId, AddedAt = time.GetUtcNow() });
        var user = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct);
        var org = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).FirstOrDefaultAsync(ct);
        audit.Add(db, actor, AuditActions.MemberAdded, details: $"{user ?? userId.ToString()} to {org ?? organisationId.ToString()}");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The organisations a user belongs to.</summary>
    public async Task<List<OrganisationInfo>> OfUserAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var orgs = await db.Organisations.AsNoTracking()
            .Where(o => db.OrganisationMembers.Any(m => m.OrganisationId == o.Id && m.UserId == userId))
            .OrderBy(o => o.Name).ToListAsync(ct);
        return orgs.ConvertAll(OrganisationInfo.From);
    }

    /// <summary>Every organisation with members, campaign count and retention (admins).</summary>
    public async Task<List<OrganisationView>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        RequireAdminOrSystem(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var orgs = await db.Organisations.AsNoTracking().OrderBy(o => o.Name).ToListAsync(ct);
        var members = await (from m in db.OrganisationMembers join u in db.Users on m.UserId equals u.Id select new { m.OrganisationId, u.UserName })
            .ToListAsync(ct);
        var campaigns = await db.Campaigns.GroupBy(c => c.OrganisationId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return [.. orgs.Select(o => new OrganisationView(OrganisationInfo.From(o),
            [.. members.Where(m => m.OrganisationId == o.Id).Select(m => m.UserName ?? "?").Order()],
            campaigns.FirstOrDefault(c => c.Key == o.Id)?.Count ?? 0,
            Effective(o)))];
    }

    /// <summary>The limits in force for <paramref name="org"/>: its own, else the deployment defaults.</summary>
    public EffectiveRetention Effective(Organisation org)
    {
        var d = defaults.Value;
        return new EffectiveRetention(
            org.RawEventRetentionDays ?? d.RawEventDays, org.CustomerDataRetentionDays ?? d.CustomerDataDays, org.AggregateRetentionDays ?? d.AggregateDays,
            org.RawEventRetentionDays is null, org.CustomerDataRetentionDays is null, org.AggregateRetentionDays is null);
    }

    /// <summary>Sets an organisation's retention (admins); null keeps the deployment default for that kind of data.</summary>
    public async Task UpdateRetentionAsync(Actor actor, Guid organisationId, int? rawEventDays, int? customerDataDays, int? aggregateDays,
        CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            throw new AccessDeniedException("Only admins change retention.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var org = await db.Organisations.FirstOrDefaultAsync(o => o.Id == organisationId, ct)
            ?? throw new NotFoundException("Unknown organisation.");
        var d = defaults.Value;
        var raw = rawEventDays ?? d.RawEventDays;
        var customer = customerDataDays ?? d.CustomerDataDays;
        var aggregates = aggregateDays ?? d.AggregateDays;
        var errors = new List<FieldError>();
        // The reasons name their kind of data: a page shows them together, without the API's field names.
        foreach (var (field, kind, days) in new[]
                 {
                     (nameof(rawEventDays), "Raw events", raw), (nameof(customerDataDays), "Customer-level data", customer),
                     (nameof(aggregateDays), "Aggregates", aggregates),
                 })
        {
            if (days is < 1 or > 3650)
            {
                errors.Add(new FieldError(field, $"{kind}: retention is between 1 and 3650 days."));
            }
        }
        if (errors.Count == 0 && customer > raw)
        {
            errors.Add(new FieldError(nameof(customerDataDays), "Customer-level data cannot be kept longer than the raw events that carry it."));
        }
        if (errors.Count > 0)
        {
            throw new DomainValidationException(errors);
        }
        var before = Effective(org);
        org.RawEventRetentionDays = rawEventDays;
        org.CustomerDataRetentionDays = customerDataDays;
        org.AggregateRetentionDays = aggregateDays;
        audit.Add(db, actor, AuditActions.RetentionChanged,
            details: $"{org.Name}: raw {before.RawEventDays}→{raw} d, customer {before.CustomerDataDays}→{customer} d, aggregates {before.AggregateDays}→{aggregates} d");
        await db.SaveChangesAsync(ct);
    }

    private static void RequireAdminOrSystem(Actor actor)
    {
        if (!actor.IsAdmin && actor != Actor.System)
        {
            throw new AccessDeniedException("Only admins manage organisations.");
        }
    }
}
