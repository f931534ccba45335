using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>Filter of the alert history.</summary>
public sealed record AlertQuery(string? Status = null, string? Detector = null, DateTimeOffset? From = null, int Take = 200);

/// <summary>
/// Alerts in PostgreSQL: the monitor's transitions (opened / updated / resolved) and people's acknowledgements
/// and manual resolutions. Every change is published on <see cref="AlertFeed"/> and queued for the campaign's webhooks,
/// each in its format (<see cref="WebhookFormats"/>), in the same transaction. An alert opening during a mute
/// (<see cref="AlertMuteStore"/>) is recorded with its <c>MutedUntil</c> and its webhook events are held until then.
/// </summary>
public sealed class AlertStore(IDbContextFactory<CrowdstartDbContext> contexts, CampaignAccess access, AlertFeed feed, TimeProvider time,
    ICampaignLinks? links = null)
{
    /// <summary>Open and acknowledged alerts of a campaign, most severe and newest first.</summary>
    public async Task<List<AlertInfo>> LiveAsync(Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alerts = await db.Alerts.AsNoTracking().Where(a => a.CampaignId == campaignId && a.Status != AlertStatus.Resolved).ToListAsync(ct);
        return [.. alerts.OrderByDescending(a => a.Severity == nameof(AlertSeverity.Critical)).ThenByDescending(a => a.OpenedAt).Select(AlertInfo.From)];
    }

    /// <summary>The detector and scope of every live alert, per campaign (one query for the monitor's whole tick).</summary>
    public async Task<Dictionary<Guid, List<(string Detector, string Scope, DateTimeOffset OpenedAt)>>> LiveKeysAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Alerts.AsNoTracking().Where(a => a.Status != AlertStatus.Resolved)
            .Select(a => new { a.CampaignId, a.Detector, a.Scope, a.OpenedAt }).ToListAsync(ct);
        return rows.GroupBy(r => r.CampaignId).ToDictionary(g => g.Key, g => g.Select(r => (r.Detector, r.Scope, r.OpenedAt)).ToList());
    }

    /// <summary>Number of open (not yet acknowledged) alerts per campaign, for the overview badges; alerts held by a mute are left out.</summary>
    public async Task<Dictionary<Guid, int>> OpenCountsAsync(IReadOnlyCollection<Guid> campaigns, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        return await db.Alerts.AsNoTracking().Where(a => campaigns.Contains(a.CampaignId) && a.Status == AlertStatus.Open && (a.MutedUntil == null || a.MutedUntil <= now))
            .GroupBy(a => a.CampaignId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
    }

    /// <summary>
    /// What the campaign's banner shows now: live alerts not held by a mute, alerts resolved in the last
    /// <see cref="AlertBannerState.RecoveredShownFor"/> that had been shown (not those that came and went inside a mute),
    /// the mute in force with the number of alerts it holds, and when this changes without any event.
    /// </summary>
    public async Task<AlertBannerState> BannerAsync(Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var since = now - AlertBannerState.RecoveredShownFor;
        var alerts = await db.Alerts.AsNoTracking()
            .Where(a => a.CampaignId == campaignId && (a.Status != AlertStatus.Resolved || a.ResolvedAt >= since)).ToListAsync(ct);
        var mutes = await db.AlertMutes.AsNoTracking().Where(m => m.CampaignId == campaignId && m.EndedAt == null && m.EndsAt > now)
            .OrderBy(m => m.StartsAt).ToListAsync(ct);
        var infos = alerts.ConvertAll(AlertInfo.From);
        var live = infos.Where(a => a.Status != AlertStatus.Resolved && !a.IsHeld(now))
            .OrderByDescending(a => a.Severity == nameof(AlertSeverity.Critical)).ThenByDescending(a => a.OpenedAt).ToList();
        var recovered = infos.Where(a => a.Status == AlertStatus.Resolved && !(a.MutedUntil is { } m && m > a.ResolvedAt && m > a.OpenedAt))
            .OrderByDescending(a => a.ResolvedAt).ToList();
        var active = mutes.FirstOrDefault(m => m.StartsAt <= now);
        var held = infos.Count(a => a.Status != AlertStatus.Resolved && a.IsHeld(now));
        var changes = recovered.Select(a => a.ResolvedAt!.Value + AlertBannerState.RecoveredShownFor)
            .Concat(mutes.Select(m => m.StartsAt <= now ? m.EndsAt : m.StartsAt))
            .Concat(infos.Where(a => a.IsHeld(now)).Select(a => a.MutedUntil!.Value));
        DateTimeOffset? next = changes.Any() ? changes.Min() : null;
        return new AlertBannerState(live, recovered, active is null ? null : AlertMuteInfo.From(active), held, next);
    }

    /// <summary>A campaign's alert history, newest first.</summary>
    public async Task<List<AlertInfo>> HistoryAsync(Guid campaignId, AlertQuery query, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.Alerts.AsNoTracking().Where(a => a.CampaignId == campaignId);
        if (!string.IsNullOrEmpty(query.Status))
        {
            q = q.Where(a => a.Status == query.Status);
        }
        if (!string.IsNullOrEmpty(query.Detector))
        {
            q = q.Where(a => a.Detector == query.Detector);
        }
        if (query.From is { } from)
        {
            q = q.Where(a => a.OpenedAt >= from);
        }
        var alerts = await q.OrderByDescending(a => a.OpenedAt).Take(Math.Clamp(query.Take, 1, 1000)).ToListAsync(ct);
        return alerts.ConvertAll(AlertInfo.From);
    }

    /// <summary>Stores the monitor's transitions for one campaign.</summary>
    public async Task ApplyAsync(Guid campaignId, IReadOnlyList<AlertTransition> transitions, CancellationToken ct = default)
    {
        if (transitions.Count == 0)
        {
            return;
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var visible = false;
        foreach (var t in transitions)
        {
            var live = await db.Alerts.FirstOrDefaultAsync(a => a.CampaignId == campaignId && a.Detector == t.Detector && a.Scope == t.Scope &&
                                                                a.Status != AlertStatus.Resolved, ct);
            switch (t.Kind)
            {
                case "opened" when live is null:
                    // A mute in force when the alert opens holds it (at most one mute covers a moment).
                    var mutedUntil = await db.AlertMutes.AsNoTracking()
                        .Where(m => m.CampaignId == campaignId && m.EndedAt == null && m.StartsAt <= t.At && m.EndsAt > t.At)
                        .Select(m => (DateTimeOffset?)m.EndsAt).FirstOrDefaultAsync(ct);
                    var alert = new Alert
                    {
                        Id = Guid.NewGuid(), CampaignId = campaignId, Detector = t.Detector, Scope = t.Scope, Status = AlertStatus.Open,
                        Severity = t.Signal.Severity.ToString(), Message = t.Signal.Message, Value = t.Signal.Value,
                        BaselineLow = t.Signal.BaselineLow, BaselineHigh = t.Signal.BaselineHigh, OpenedAt = t.At, UpdatedAt = t.At,
                        MutedUntil = mutedUntil,
                    };
                    db.Alerts.Add(alert);
                    await QueueWebhooksAsync(db, alert, AlertNotice.Opened, ct);
                    visible = true;
                    break;
                case "opened" or "updated" when live is not null:
                    visible |= live.Message != t.Signal.Message;
                    live.Message = t.Signal.Message;
                    live.Value = t.Signal.Value;
                    live.BaselineLow = t.Signal.BaselineLow;
                    live.BaselineHigh = t.Signal.BaselineHigh;
                    // Severity only escalates while an alert is live.
                    if (t.Signal.Severity > Enum.Parse<AlertSeverity>(live.Severity))
                    {
                        live.Severity = t.Signal.Severity.ToString();
                    }
                    live.UpdatedAt = t.At;
                    break;
                case "resolved" when live is not null:
                    live.Status = AlertStatus.Resolved;
                    live.ResolvedAt = t.At;
                    live.UpdatedAt = t.At;
                    await QueueWebhooksAsync(db, live, AlertNotice.Resolved, ct);
                    visible = true;
                    break;
            }
            await db.SaveChangesAsync(ct);
        }
        // Pages re-read only when something they show changed, not at every evaluation of an open alert.
        if (visible)
        {
            await feed.EnlistAsync(db.Database, campaignId, ct);
        }
        await tx.CommitAsync(ct);
        if (visible)
        {
            feed.PublishHere(campaignId);
        }
    }

    /// <summary>A campaign's detector settings and the preset they match (or "custom").</summary>
    public async Task<DetectorSettings> SettingsAsync(Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var json = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.AlertSettingsJson).FirstOrDefaultAsync(ct);
        return AlertMonitor.Settings(json);
    }

    /// <summary>Sets a campaign's detector settings (creators of the campaign); validated, audited, effective at the next evaluation.</summary>
    public async Task UpdateSettingsAsync(Actor actor, Guid campaignId, DetectorSettings settings, CancellationToken ct = default)
    {
        if (!await access.CanManageAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot manage this campaign's alerts.");
        }
        if (settings.Validate() is { } problem)
        {
            throw new DomainValidationException("settings", problem + ".");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var json = JsonSerializer.Serialize(settings, JsonSerializerOptions.Web);
        await db.Campaigns.Where(c => c.Id == campaignId).ExecuteUpdateAsync(u => u.SetProperty(c => c.AlertSettingsJson, json), ct);
        db.AuditLog.Add(new AuditEntry
        {
            At = time.GetUtcNow(), ActorUserId = actor.AuditUserId, ActorName = actor.Name, Action = AuditActions.AlertSettingsChanged, CampaignId = campaignId, Details = json,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Resolves every live alert of a campaign on the system's behalf (e.g. the campaign ended).</summary>
    public async Task ResolveAllAsync(Guid campaignId, string reason, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var live = await db.Alerts.Where(a => a.CampaignId == campaignId && a.Status != AlertStatus.Resolved).ToListAsync(ct);
        if (live.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        foreach (var alert in live)
        {
            alert.Status = AlertStatus.Resolved;
            alert.ResolvedAt = now;
            alert.ResolvedBy = reason;
            alert.UpdatedAt = now;
            await QueueWebhooksAsync(db, alert, AlertNotice.Resolved, ct);
        }
        await db.SaveChangesAsync(ct);
        await feed.EnlistAsync(db.Database, campaignId, ct);
        await tx.CommitAsync(ct);
        feed.PublishHere(campaignId);
    }

    /// <summary>A creator acknowledges an alert: someone is on it. It still resolves by itself when the metric recovers.</summary>
    public Task<AlertInfo> AcknowledgeAsync(Actor actor, Guid campaignId, Guid alertId, CancellationToken ct = default) =>
        ChangeAsync(actor, campaignId, alertId, AlertNotice.Acknowledged, alert =>
        {
            if (alert.Status != AlertStatus.Open)
            {
                throw new ConflictException($"The alert is already {alert.Status}.");
            }
            alert.Status = AlertStatus.Acknowledged;
            alert.AcknowledgedAt = time.GetUtcNow();
            alert.AcknowledgedByUserId = actor.AuditUserId;
            alert.AcknowledgedBy = actor.Name;
        }, ct);

    /// <summary>A creator resolves an alert by hand (e.g. the cause is known and fixed).</summary>
    public Task<AlertInfo> ResolveAsync(Actor actor, Guid campaignId, Guid alertId, CancellationToken ct = default) =>
        ChangeAsync(actor, campaignId, alertId, AlertNotice.Resolved, alert =>
        {
            if (alert.Status == AlertStatus.Resolved)
            {
                throw new ConflictException("The alert is already resolved.");
            }
            alert.Status = AlertStatus.Resolved;
            alert.ResolvedAt = time.GetUtcNow();
            alert.ResolvedBy = actor.Name;
        }, ct);

    private async Task<AlertInfo> ChangeAsync(Actor actor, Guid campaignId, Guid alertId, string webhookEvent, Action<Alert> change, CancellationToken ct)
    {
        if (!await access.CanManageAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot manage this campaign's alerts.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alert = await db.Alerts.FromSql($"SELECT * FROM alerts WHERE id = {alertId} AND campaign_id = {campaignId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Unknown alert.");
        change(alert);
        alert.UpdatedAt = time.GetUtcNow();
        await QueueWebhooksAsync(db, alert, webhookEvent, ct);
        await db.SaveChangesAsync(ct);
        await feed.EnlistAsync(db.Database, campaignId, ct);
        await tx.CommitAsync(ct);
        feed.PublishHere(campaignId);
        return AlertInfo.From(alert);
    }

    /// <summary>
    /// Queues <paramref name="webhookEvent"/> for every webhook of the alert's campaign, each in its own format. For an
    /// alert held by a mute the event is due when the mute ends; its resolution inside the mute drops what was held.
    /// </summary>
    private async Task QueueWebhooksAsync(CrowdstartDbContext db, Alert alert, string webhookEvent, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var info = AlertInfo.From(alert);
        var held = info.IsHeld(now);
        if (held && webhookEvent == AlertNotice.Resolved)
        {
            // Nobody outside was told it opened: nothing to tell about its end either.
            await db.WebhookDeliveries.Where(d => d.AlertId == alert.Id && d.Status == "pending" && d.Attempts == 0)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, "muted").SetProperty(d => d.LastError, "not sent: resolved during a mute"), ct);
            return;
        }
        var hooks = await db.AlertWebhooks.AsNoTracking().Where(w => w.CampaignId == alert.CampaignId && w.DeletedAt == null)
            .Select(w => new { w.Id, w.Format }).ToListAsync(ct);
        if (hooks.Count == 0)
        {
            return;
        }
        var json = JsonSerializer.Serialize(new
        {
            @event = webhookEvent,
            sentAt = now,
            alert = new
            {
                id = alert.Id, campaignId = alert.CampaignId, detector = alert.Detector, scope = alert.Scope, status = alert.Status,
                severity = alert.Severity, message = alert.Message, value = alert.Value, baselineLow = alert.BaselineLow,
                baselineHigh = alert.BaselineHigh, openedAt = alert.OpenedAt, acknowledgedAt = alert.AcknowledgedAt, resolvedAt = alert.ResolvedAt,
                summary = AlertWording.Summary(info, AlertWording.Utc), mutedUntil = held ? alert.MutedUntil : null,
            },
        }, JsonSerializerOptions.Web);
        AlertNotice? notice = null;
        if (hooks.Any(h => h.Format != WebhookFormats.Json))
        {
            var name = await db.Campaigns.AsNoTracking().Where(c => c.Id == alert.CampaignId).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? "Campaign";
            notice = new AlertNotice(webhookEvent, info, name, links?.CampaignPage(alert.CampaignId), now);
        }
        foreach (var hook in hooks)
        {
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                WebhookId = hook.Id, CampaignId = alert.CampaignId, AlertId = alert.Id, Event = webhookEvent,
                Payload = hook.Format == WebhookFormats.Json ? json : ChatPayloads.Build(hook.Format, notice!),
                Status = "pending", CreatedAt = now, NextAttemptAt = held ? alert.MutedUntil!.Value : now,
            });
        }
    }
}
