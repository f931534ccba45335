using System.Security.Cryptography;
using System.Text;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>A share link as its campaign's managers see it (never its token).</summary>
public sealed record ShareLinkInfo(Guid Id, Guid CampaignId, string Label, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, long Views, DateTimeOffset? LastViewedAt)
{
    public bool IsLive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;

    internal static ShareLinkInfo From(ShareLink l) =>
        new(l.Id, l.CampaignId, l.Label, l.CreatedBy, l.CreatedAt, l.ExpiresAt, l.RevokedAt, l.Views, l.LastViewedAt);
}

/// <summary>What a valid share link opens: one campaign's public facts, nothing about who made the link.</summary>
public sealed record SharedCampaign(Guid CampaignId, string Name, string Currency, decimal Goal, DateTimeOffset LaunchAt, DateTimeOffset? EndAt,
    string? TimeZone, DateTimeOffset ExpiresAt)
{
    /// <summary>The offset of the campaign's time zone at <paramref name="at"/> (UTC when it has none: a wall has no viewer's zone).</summary>
    public TimeSpan OffsetAt(DateTimeOffset at) =>
        TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone.GetUtcOffset(at) : TimeSpan.Zero;
}

/// <summary>
/// Read-only links to one campaign's aggregates, for viewers without an account (a wall display). Created and revoked
/// by the campaign's managers, audited; the token (256 random bits) is shown once and only its SHA-256 is stored; a
/// link works until it expires (at most <see cref="MaxDays"/> days) or is revoked, which every open page notices at its
/// next refresh.
/// </summary>
public sealed class ShareLinks(IDbContextFactory<CrowdstartDbContext> contexts, CampaignAccess access, AuditLog audit, TimeProvider time)
{
    /// <summary>Prefix of every share token.</summary>
    public const string TokenPrefix = "cs_share_";

    /// <summary>Longest life of a link.</summary>
    public const int MaxDays = 90;

    /// <summary>Live links a campaign may have at once.</summary>
    public const int MaxLiveLinks = 20;

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The campaign's links, newest first.</summary>
    public async Task<List<ShareLinkInfo>> ListAsync(Actor actor, Guid campaignId, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var links = await db.ShareLinks.AsNoTracking().Where(l => l.CampaignId == campaignId).OrderByDescending(l => l.CreatedAt).ToListAsync(ct);
        return links.ConvertAll(ShareLinkInfo.From);
    }

    /// <summary>Creates a link valid for <paramref name="days"/> days (1–90); returns it with its only plaintext token.</summary>
    public async Task<(ShareLinkInfo Link, string Token)> CreateAsync(Actor actor, Guid campaignId, string? label, int days, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        var errors = new List<FieldError>();
        label = string.IsNullOrWhiteSpace(label) ? "Share link" : label.Trim();
        if (label.Length > 100)
        {
            errors.Add(new("label", "The label must be at most 100 characters."));
        }
        if (days is < 1 or > MaxDays)
        {
            errors.Add(new("days", $"A share link lasts from 1 to {MaxDays} days."));
        }
        if (errors.Count > 0)
        {
            throw new DomainValidationException(errors);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        if (await db.ShareLinks.CountAsync(l => l.CampaignId == campaignId && l.RevokedAt == null && l.ExpiresAt > now, ct) >= MaxLiveLinks)
        {
            throw new ConflictException($"The campaign has {MaxLiveLinks} live share links already; revoke one first.");
        }
        var token = TokenPrefix + CampaignStore.Base64Url(RandomNumberGenerator.GetBytes(32));
        var link = new ShareLink
        {
            Id = Guid.NewGuid(),
            CampaignId = campaignId,
            TokenHash = Hash(token),
            Label = label,
            CreatedAt = now,
            CreatedByUserId = actor.AuditUserId,
            CreatedBy = actor.Name,
            ExpiresAt = now.AddDays(days),
        };
        db.ShareLinks.Add(link);
        audit.Add(db, actor, AuditActions.ShareLinkCreated, campaignId, details: $"{label}, expires {link.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        await db.SaveChangesAsync(ct);
        return (ShareLinkInfo.From(link), token);
    }

    /// <summary>Revokes a link now: the next refresh of any page showing it shows nothing more.</summary>
    public async Task RevokeAsync(Actor actor, Guid campaignId, Guid linkId, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var link = await db.ShareLinks.FirstOrDefaultAsync(l => l.Id == linkId && l.CampaignId == campaignId, ct)
            ?? throw new NotFoundException("Unknown share link.");
        if (link.RevokedAt is not null)
        {
            return;
        }
        link.RevokedAt = time.GetUtcNow();
        link.RevokedByUserId = actor.AuditUserId;
        audit.Add(db, actor, AuditActions.ShareLinkRevoked, campaignId, details: $"{link.Label} ({link.Views:N0} views)");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The campaign a token opens, or null for anything else (unknown, malformed, expired, revoked, campaign deleted) —
    /// all alike, so a caller learns nothing from a refusal. <paramref name="countView"/> counts the opening of a page
    /// (not its refreshes) and records when.
    /// </summary>
    public async Task<SharedCampaign?> OpenAsync(string? token, bool countView, CancellationToken ct = default)
    {
        if (token is null || !token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }
        var hash = Hash(token);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await (from l in db.ShareLinks
                           join c in db.Campaigns on l.CampaignId equals c.Id
                           where l.TokenHash == hash && l.RevokedAt == null && l.ExpiresAt > now
                           select new { Link = l, Campaign = c }).AsNoTracking().SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }
        if (countView)
        {
            await db.ShareLinks.Where(l => l.Id == found.Link.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.Views, l => l.Views + 1).SetProperty(l => l.LastViewedAt, now), ct);
        }
        var campaign = found.Campaign;
        return new SharedCampaign(campaign.Id, campaign.Name, campaign.Currency.Trim(), campaign.GoalAmount, campaign.LaunchAt, campaign.EndAt,
            campaign.TimeZone, found.Link.ExpiresAt);
    }

    private async Task RequireManageAsync(Actor actor, Guid campaignId, CancellationToken ct)
    {
        if (!await access.CanManageAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot manage this campaign.");
        }
    }
}
