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
/// and manual resolutions. Every change is published on <see cref="AlertFeed"/> and queued for the campaign's
/// webhooks in the same transaction.
/// </summary>
public sealed class AlertStore(IDbContextFactory<CrowdstartDbContext> contexts, CampaignAccess access, AlertFeed feed, TimeProvider time)
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

    /// <summary>Number of open (not yet acknowledged) alerts per campaign, for the overview badges.</summary>
    public async Task<Dictionary<Guid, int>> OpenCountsAsync(IReadOnlyCollection<Guid> campaigns, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Alerts.AsNoTracking().Where(a => campaigns.Contains(a.CampaignId) && a.Status == AlertStatus.Open)
            .GroupBy(a => a.CampaignId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
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
                    var alert = new Alert
                    {
                        Id = Guid.NewGuid(), CampaignId = campaignId, Detector = t.Detector, Scope = t.Scope, Status = AlertStatus.Open,
                        Severity = t.Signal.Severity.ToString(), Message = t.Signal.Message, Value = t.Signal.Value,
                        BaselineLow = t.Signal.BaselineLow, BaselineHigh = t.Signal.BaselineHigh, OpenedAt = t.At, UpdatedAt = t.At,
                    };
                    db.Alerts.Add(alert);
                    await QueueWebhooksAsync(db, alert, "alert.opened", ct);
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
                    await QueueWebhooksAsync(db, live, "alert.resolved", ct);
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
            await QueueWebhooksAsync(db, alert, "alert.resolved", ct);
        }
        await db.SaveChangesAsync(ct);
        await feed.EnlistAsync(db.Database, campaignId, ct);
        await tx.CommitAsync(ct);
        feed.PublishHere(campaignId);
    }

    /// <summary>A creator acknowledges an alert: someone is on it. It still resolves by itself when the metric recovers.</summary>
    public Task<AlertInfo> AcknowledgeAsync(Actor actor, Guid campaignId, Guid alertId, CancellationToken ct = default) =>
        ChangeAsync(actor, campaignId, alertId, "alert.acknowledged", alert =>
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
        ChangeAsync(actor, campaignId, alertId, "alert.resolved", alert =>
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

    private async Task QueueWebhooksAsync(CrowdstartDbContext db, Alert alert, string webhookEvent, CancellationToken ct)
    {
        var hooks = await db.AlertWebhooks.AsNoTracking().Where(w => w.CampaignId == alert.CampaignId && w.DeletedAt == null).Select(w => w.Id).ToListAsync(ct);
        if (hooks.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        var payload = JsonSerializer.Serialize(new
        {
            @event = webhookEvent,
            sentAt = now,
            alert = new
            {
                id = alert.Id, campaignId = alert.CampaignId, detector = alert.Detector, scope = alert.Scope, status = alert.Status,
                severity = alert.Severity, message = alert.Message, value = alert.Value, baselineLow = alert.BaselineLow,
                baselineHigh = alert.BaselineHigh, openedAt = alert.OpenedAt, acknowledgedAt = alert.AcknowledgedAt, resolvedAt = alert.ResolvedAt,
            },
        }, JsonSerializerOptions.Web);
        foreach (var hook in hooks)
        {
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                WebhookId = hook, CampaignId = alert.CampaignId, AlertId = alert.Id, Event = webhookEvent, Payload = payload,
                Status = "pending", CreatedAt = now, NextAttemptAt = now,
            });
        }
    }
}
