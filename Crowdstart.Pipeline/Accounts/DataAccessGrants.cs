using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>A grant with the names people need to read it.</summary>
public sealed record GrantView(GrantInfo Grant, string UserName, string CampaignName, string GrantedBy, bool IsLive);

/// <summary>A request with the names people need to decide it.</summary>
public sealed record RequestView(AccessRequestInfo Request, string UserName, string CampaignName, string? DecidedBy);

/// <summary>
/// Data-access grants and requests. Only admins grant, deny and revoke; every change is audited in the same
/// transaction and announced on <see cref="AccessChangeFeed"/> so open pages follow at once (on other instances
/// through a NOTIFY sent in that transaction, so only committed changes are announced).
/// </summary>
public sealed class DataAccessGrants(
    IDbContextFactory<CrowdstartDbContext> contexts, CampaignAccess access, AuditLog audit, AccessChangeFeed changes,
    IOptions<PrivacyOptions> options, TimeProvider time)
{
    /// <summary>Grant length used when none is given.</summary>
    public TimeSpan DefaultDuration => TimeSpan.FromHours(options.Value.DefaultGrantHours);

    /// <summary>Longest grant an admin may give.</summary>
    public TimeSpan MaxDuration => TimeSpan.FromHours(options.Value.MaxGrantHours);

    /// <summary>A creator asks for customer-level access to a campaign they can read.</summary>
    public async Task<AccessRequestInfo> RequestAsync(Actor actor, Guid campaignId, string reason, CancellationToken ct = default)
    {
        reason = RequireReason(reason);
        if (!await access.CanReadAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot request access to a campaign you cannot see.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.DataAccessRequests.AnyAsync(r => r.UserId == actor.UserId && r.CampaignId == campaignId && r.Status == AccessRequestStatus.Pending, ct))
        {
            throw new ConflictException("You already have a pending request for this campaign.");
        }
        var request = new DataAccessRequest
        {
            Id = Guid.NewGuid(), CampaignId = campaignId, UserId = actor.UserId, Reason = reason, RequestedAt = time.GetUtcNow(),
        };
        db.DataAccessRequests.Add(request);
        audit.Add(db, actor, AuditActions.AccessRequested, campaignId, details: reason);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await changes.EnlistAsync(db.Database, campaignId, actor.UserId, ct);
        await tx.CommitAsync(ct);
        changes.PublishHere(campaignId, actor.UserId);
        return AccessRequestInfo.From(request);
    }

    /// <summary>An admin grants a user access to a campaign's customer-level data for a reason and a duration.</summary>
    public async Task<GrantInfo> GrantAsync(Actor admin, Guid userId, Guid campaignId, string reason, TimeSpan? duration = null,
        CancellationToken ct = default)
    {
        RequireAdmin(admin);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var grant = await AddGrantAsync(db, admin, userId, campaignId, reason, duration, null, ct);
        await db.SaveChangesAsync(ct);
        await changes.EnlistAsync(db.Database, campaignId, userId, ct);
        await tx.CommitAsync(ct);
        changes.PublishHere(campaignId, userId);
        return GrantInfo.From(grant);
    }

    /// <summary>An admin approves a pending request: the grant carries the request's reason.</summary>
    public async Task<GrantInfo> ApproveAsync(Actor admin, Guid requestId, TimeSpan? duration = null, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await DecideAsync(db, admin, requestId, AccessRequestStatus.Approved, null, ct);
        var grant = await AddGrantAsync(db, admin, request.UserId, request.CampaignId, request.Reason, duration, requestId, ct);
        await db.SaveChangesAsync(ct);
        await changes.EnlistAsync(db.Database, request.CampaignId, request.UserId, ct);
        await tx.CommitAsync(ct);
        changes.PublishHere(request.CampaignId, request.UserId);
        return GrantInfo.From(grant);
    }

    /// <summary>An admin denies a pending request, optionally saying why.</summary>
    public async Task DenyAsync(Actor admin, Guid requestId, string? note, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await DecideAsync(db, admin, requestId, AccessRequestStatus.Denied, note, ct);
        var requester = await db.Users.Where(u => u.Id == request.UserId).Select(u => u.UserName).FirstOrDefaultAsync(ct);
        audit.Add(db, admin, AuditActions.AccessDenied, request.CampaignId,
            details: $"request of {requester ?? request.UserId.ToString()}" + (request.DecisionNote is { } decision ? $": {decision}" : ""));
        await db.SaveChangesAsync(ct);
        await changes.EnlistAsync(db.Database, request.CampaignId, request.UserId, ct);
        await tx.CommitAsync(ct);
        changes.PublishHere(request.CampaignId, request.UserId);
    }

    private async Task<DataAccessGrant> AddGrantAsync(CrowdstartDbContext db, Actor admin, Guid userId, Guid campaignId, string reason,
        TimeSpan? duration, Guid? requestId, CancellationToken ct)
    {
        reason = RequireReason(reason);
        var length = duration ?? DefaultDuration;
        if (length <= TimeSpan.Zero || length > MaxDuration)
        {
            throw new DomainValidationException(nameof(duration), $"A grant lasts more than 0 and at most {MaxDuration.TotalHours:0} hours.");
        }
        if (userId == admin.UserId)
        {
            throw new AccessDeniedException("Admins cannot grant data access to themselves; another admin must.");
        }
        var grantee = await db.Users.Where(u => u.Id == userId).Select(u => new { u.UserName, u.CreatedByUserId }).FirstOrDefaultAsync(ct);
        if (grantee is null || !await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct))
        {
            throw new NotFoundException("Unknown user or campaign.");
        }
        // Otherwise one admin could create a second account and grant it access: two people, not two accounts.
        if (grantee.CreatedByUserId == admin.UserId)
        {
            throw new AccessDeniedException("Admins cannot grant data access to an account they created; another admin must.");
        }
        var userName = grantee.UserName;
        var now = time.GetUtcNow();
        var grant = new DataAccessGrant
        {
            Id = Guid.NewGuid(), CampaignId = campaignId, UserId = userId, Reason = reason, GrantedByUserId = admin.UserId,
            GrantedAt = now, ExpiresAt = now + length, RequestId = requestId,
        };
        db.DataAccessGrants.Add(grant);
        audit.Add(db, admin, AuditActions.AccessGranted, campaignId, grantId: grant.Id,
            details: $"to {userName}, until {grant.ExpiresAt:u}: {reason}");
        return grant;
    }

    /// <summary>An admin ends a grant now.</summary>
    public async Task RevokeAsync(Actor admin, Guid grantId, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var grant = await db.DataAccessGrants.FirstOrDefaultAsync(g => g.Id == grantId, ct)
            ?? throw new NotFoundException("Unknown grant.");
        if (grant.RevokedAt is not null)
        {
            return;
        }
        grant.RevokedAt = time.GetUtcNow();
        grant.RevokedByUserId = admin.UserId;
        var holder = await db.Users.Where(u => u.Id == grant.UserId).Select(u => u.UserName).FirstOrDefaultAsync(ct);
        audit.Add(db, admin, AuditActions.AccessRevoked, grant.CampaignId, grantId: grant.Id, details: $"grant of {holder ?? grant.UserId.ToString()}");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await changes.EnlistAsync(db.Database, grant.CampaignId, grant.UserId, ct);
        await tx.CommitAsync(ct);
        changes.PublishHere(grant.CampaignId, grant.UserId);
    }

    /// <summary>Requests waiting for a decision, oldest first (admins).</summary>
    public async Task<List<RequestView>> PendingRequestsAsync(Actor admin, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        return await RequestsAsync(r => r.Status == AccessRequestStatus.Pending, ct);
    }

    /// <summary>
    /// How many requests wait for a decision: the admin menu's badge (<c>PendingRequestsSource</c> reads it once per change for
    /// every open page; only admins are shown it). A count, no names or reasons.
    /// </summary>
    public async Task<int> CountPendingAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.DataAccessRequests.CountAsync(r => r.Status == AccessRequestStatus.Pending, ct);
    }

    /// <summary>The actor's own requests for one campaign, newest first.</summary>
    public Task<List<RequestView>> MyRequestsAsync(Actor actor, Guid campaignId, CancellationToken ct = default) =>
        RequestsAsync(r => r.UserId == actor.UserId && r.CampaignId == campaignId, ct);

    /// <summary>Grants, newest first; live ones only unless <paramref name="includeEnded"/> (admins).</summary>
    public async Task<List<GrantView>> GrantsAsync(Actor admin, bool includeEnded, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.DataAccessGrants.AsNoTracking();
        if (!includeEnded)
        {
            q = q.Where(g => g.RevokedAt == null && g.ExpiresAt > now);
        }
        var rows = await (from g in q
                          join u in db.Users on g.UserId equals u.Id
                          join c in db.Campaigns on g.CampaignId equals c.Id
                          join a in db.Users on g.GrantedByUserId equals a.Id into admins
                          from a in admins.DefaultIfEmpty()
                          orderby g.GrantedAt descending
                          select new { g, User = u.UserName, Campaign = c.Name, By = a != null ? a.UserName : null })
            .Take(500).ToListAsync(ct);
        return [.. rows.Select(r => new GrantView(GrantInfo.From(r.g), r.User ?? "?", r.Campaign, r.By ?? "?", r.g.RevokedAt == null && r.g.ExpiresAt > now))];
    }

    private async Task<List<RequestView>> RequestsAsync(System.Linq.Expressions.Expression<Func<DataAccessRequest, bool>> filter, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await (from r in db.DataAccessRequests.AsNoTracking().Where(filter)
                          join u in db.Users on r.UserId equals u.Id
                          join c in db.Campaigns on r.CampaignId equals c.Id
                          join a in db.Users on r.DecidedByUserId equals a.Id into admins
                          from a in admins.DefaultIfEmpty()
                          orderby r.RequestedAt descending
                          select new { r, User = u.UserName, Campaign = c.Name, By = a != null ? a.UserName : null })
            .Take(500).ToListAsync(ct);
        return [.. rows.Select(x => new RequestView(AccessRequestInfo.From(x.r), x.User ?? "?", x.Campaign, x.By))];
    }

    private async Task<DataAccessRequest> DecideAsync(CrowdstartDbContext db, Actor admin, Guid requestId, string status, string? note,
        CancellationToken ct)
    {
        // The row lock makes two admins deciding the same request at once take turns; the second sees it decided.
        var request = await db.DataAccessRequests.FromSql($"SELECT * FROM data_access_requests WHERE id = {requestId} FOR UPDATE")
            .FirstOrDefaultAsync(ct) ?? throw new NotFoundException("Unknown request.");
        if (request.Status != AccessRequestStatus.Pending)
        {
            throw new ConflictException($"The request was already {request.Status}.");
        }
        if (request.UserId == admin.UserId)
        {
            throw new AccessDeniedException("Admins cannot decide their own requests.");
        }
        var trimmed = note?.Trim();
        if (!string.IsNullOrEmpty(trimmed) && PiiScanner.FindInText(trimmed) is { } pii)
        {
            throw new DomainValidationException(nameof(note), $"The note contains {pii}; it is kept in the audit log, so leave personal data out.");
        }
        request.Status = status;
        request.DecidedByUserId = admin.UserId;
        request.DecidedAt = time.GetUtcNow();
        request.DecisionNote = string.IsNullOrEmpty(trimmed) ? null : trimmed[..Math.Min(500, trimmed.Length)];
        return request;
    }

    private static void RequireAdmin(Actor actor)
    {
        if (!actor.IsAdmin)
        {
            throw new AccessDeniedException("Only admins manage data-access grants.");
        }
    }

    private static string RequireReason(string? reason)
    {
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length < 10)
        {
            throw new DomainValidationException(nameof(reason), "Give a reason of at least 10 characters: it is kept in the audit log.");
        }
        // Reasons live forever in the append-only audit log: they must not carry personal data.
        if (PiiScanner.FindInText(trimmed) is { } pii)
        {
            throw new DomainValidationException(nameof(reason), $"The reason contains {pii}; describe the case without personal data (it is kept in the audit log).");
        }
        return trimmed.Length > 500 ? trimmed[..500] : trimmed;
    }
}
