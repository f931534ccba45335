using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// A campaign's alert mutes: planned, in force, ended. Detection carries on during a mute; what a mute holds back is
/// decided where alerts are stored (<see cref="AlertStore"/>).
/// <para>
/// Mutes: an alert that opens while a mute is in force is recorded with <c>MutedUntil</c> = the mute's end. Until then it
/// stays off the banner and the overview badge, and its webhook events are queued but held (due at the mute's end); if
/// it resolves before the mute ends, its held events are dropped (status <c>muted</c>) and nothing is sent; if it is
/// still live when the mute ends (or is ended early) the held events go out then, in order. Alerts already live when a
/// mute starts were announced already and carry on as usual.
/// </para>
/// </summary>
public sealed class AlertMuteStore(IDbContextFactory<CrowdstartDbContext> contexts, CampaignAccess access, AlertFeed feed, TimeProvider time)
{
    /// <summary>The longest mute.</summary>
    public static readonly TimeSpan MaxMute = TimeSpan.FromDays(7);

    /// <summary>How far ahead a mute may be planned.</summary>
    public static readonly TimeSpan MaxMuteLeadTime = TimeSpan.FromDays(30);

    /// <summary>Length limits of a mute's reason.</summary>
    public const int MinReasonLength = 3, MaxReasonLength = 200;

    /// <summary>The campaign's mutes that are in force or to come, then the last ended ones (newest first), at most 50.</summary>
    public async Task<List<AlertMuteInfo>> MutesAsync(Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var mutes = await db.AlertMutes.AsNoTracking().Where(m => m.CampaignId == campaignId).OrderByDescending(m => m.StartsAt).Take(50).ToListAsync(ct);
        var now = time.GetUtcNow();
        return [.. mutes.Select(AlertMuteInfo.From).OrderByDescending(m => m.Until > now).ThenBy(m => m.Until > now ? m.StartsAt : DateTimeOffset.MaxValue)
            .ThenByDescending(m => m.StartsAt)];
    }

    /// <summary>
    /// Mutes the campaign's alerts from <paramref name="startsAt"/> (now when null) until <paramref name="endsAt"/>, for
    /// <paramref name="reason"/>. Creators of the campaign only; validated (each problem naming its field); refused with a
    /// conflict when it overlaps a mute in force or planned; audited; banners change at once.
    /// </summary>
    public async Task<AlertMuteInfo> MuteAsync(Actor actor, Guid campaignId, DateTimeOffset? startsAt, DateTimeOffset? endsAt, string? reason,
        CancellationToken ct = default)
    {
        if (!await access.CanManageAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot manage this campaign's alerts.");
        }
        var now = time.GetUtcNow();
        var errors = new List<FieldError>();
        var why = reason?.Trim() ?? "";
        if (why.Length is < MinReasonLength or > MaxReasonLength)
        {
            errors.Add(new FieldError("reason", $"Give a reason of {MinReasonLength} to {MaxReasonLength} characters (e.g. \"payment provider maintenance\")."));
        }
        // A start a few minutes back (a form filled slowly) means now; further back is a mistake.
        var from = startsAt ?? now;
        if (from < now - TimeSpan.FromMinutes(5))
        {
            errors.Add(new FieldError("startsAt", "The mute cannot start in the past."));
        }
        else if (from > now + MaxMuteLeadTime)
        {
            errors.Add(new FieldError("startsAt", $"A mute can be planned at most {MaxMuteLeadTime.TotalDays:0} days ahead."));
        }
        from = from < now ? now : from;
        if (endsAt is not { } until)
        {
            errors.Add(new FieldError("endsAt", "Say when the mute ends."));
            until = from;
        }
        else if (until <= from)
        {
            errors.Add(new FieldError("endsAt", "The mute must end after it starts."));
        }
        else if (until - from > MaxMute)
        {
            errors.Add(new FieldError("endsAt", $"A mute lasts at most {MaxMute.TotalDays:0} days."));
        }
        if (errors.Count > 0)
        {
            throw new DomainValidationException(errors);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One mute change of a campaign at a time, so two overlapping requests cannot both pass the check below.
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM campaigns WHERE id = {campaignId} FOR UPDATE", ct);
        var clash = await db.AlertMutes.AsNoTracking()
            .Where(m => m.CampaignId == campaignId && m.EndedAt == null && m.StartsAt < until && m.EndsAt > from).FirstOrDefaultAsync(ct);
        if (clash is not null)
        {
            throw new ConflictException($"It overlaps the mute from {AlertWording.Utc(clash.StartsAt)} to {AlertWording.Utc(clash.EndsAt)} " +
                $"({clash.Reason}); end that one first or choose another period.");
        }
        var mute = new AlertMute
        {
            Id = Guid.NewGuid(), CampaignId = campaignId, StartsAt = from, EndsAt = until, Reason = why, CreatedAt = now,
            CreatedByUserId = actor.AuditUserId, CreatedBy = actor.Name,
        };
        db.AlertMutes.Add(mute);
        db.AuditLog.Add(new AuditEntry
        {
            At = now, ActorUserId = actor.AuditUserId, ActorName = actor.Name, Action = AuditActions.AlertsMuted, CampaignId = campaignId,
            Details = JsonSerializer.Serialize(new { muteId = mute.Id, startsAt = from, endsAt = until, reason = why }, JsonSerializerOptions.Web),
        });
        await db.SaveChangesAsync(ct);
        await feed.EnlistAsync(db.Database, campaignId, ct);
        await tx.CommitAsync(ct);
        feed.PublishHere(campaignId);
        return AlertMuteInfo.From(mute);
    }

    /// <summary>
    /// Ends a mute now (or cancels it before it starts). Alerts it holds that are still live go to the webhooks at once
    /// and appear on the banner. 404 for a mute of another campaign; 409 when it is over already.
    /// </summary>
    public async Task<AlertMuteInfo> EndMuteAsync(Actor actor, Guid campaignId, Guid muteId, CancellationToken ct = default)
    {
        if (!await access.CanManageAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot manage this campaign's alerts.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var mute = await db.AlertMutes.FromSql($"SELECT * FROM alert_mutes WHERE id = {muteId} AND campaign_id = {campaignId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Unknown mute.");
        var now = time.GetUtcNow();
        if (mute.EndedAt is not null || mute.EndsAt <= now)
        {
            throw new ConflictException("The mute is over already.");
        }
        mute.EndedAt = now;
        mute.EndedBy = actor.Name;
        // Release what it holds: the alerts show, their held events are due now.
        var heldAlerts = await db.Alerts.Where(a => a.CampaignId == campaignId && a.MutedUntil > now && a.OpenedAt >= mute.StartsAt).ToListAsync(ct);
        foreach (var alert in heldAlerts)
        {
            alert.MutedUntil = now;
        }
        var ids = heldAlerts.ConvertAll(a => a.Id);
        await db.WebhookDeliveries.Where(d => ids.Contains(d.AlertId) && d.Status == "pending" && d.Attempts == 0 && d.NextAttemptAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.NextAttemptAt, now), ct);
        db.AuditLog.Add(new AuditEntry
        {
            At = now, ActorUserId = actor.AuditUserId, ActorName = actor.Name, Action = AuditActions.AlertsUnmuted, CampaignId = campaignId,
            Details = JsonSerializer.Serialize(new { muteId, released = ids.Count }, JsonSerializerOptions.Web),
        });
        await db.SaveChangesAsync(ct);
        await feed.EnlistAsync(db.Database, campaignId, ct);
        await tx.CommitAsync(ct);
        feed.PublishHere(campaignId);
        return AlertMuteInfo.From(mute);
    }
}
