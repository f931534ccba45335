using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>A refused event as the ingest keys page and its API show it (no values, only what was wrong).</summary>
public sealed record RejectedEventInfo(DateTimeOffset ReceivedAt, string Channel, string? EventName, string Field, string Reason, Guid? KeyId)
{
    internal static RejectedEventInfo From(IngestRejection r) => new(r.ReceivedAt, r.Channel, r.EventName, r.Field, r.Reason, r.KeyId);
}

/// <summary>One of a campaign's own Segment event names and the event type it maps to (or <c>ignore</c>).</summary>
public sealed record SegmentEventMappingInfo(string Event, string Type);

/// <summary>
/// What a campaign's managers need to connect a site or a Segment source: the rejected events with their reasons, and
/// the campaign's own Segment event names. Only the campaign's managers (its organisation's members, admins) may read
/// or change them; a change is audited and seen by ingestion at once on this instance.
/// </summary>
public sealed class IngestConnection(IDbContextFactory<CrowdstartDbContext> contexts, CampaignAccess access, AuditLog audit,
    SegmentMappingCache mappings)
{
    /// <summary>Most own event names per campaign.</summary>
    public const int MaxMappings = 200;

    /// <summary>The campaign's last rejected events, newest first.</summary>
    public async Task<List<RejectedEventInfo>> RejectedAsync(Actor actor, Guid campaignId, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.IngestRejections.AsNoTracking().Where(r => r.CampaignId == campaignId).OrderByDescending(r => r.Id).Take(1000).ToListAsync(ct);
        return rows.ConvertAll(RejectedEventInfo.From);
    }

    /// <summary>The campaign's own Segment event names, by name.</summary>
    public async Task<List<SegmentEventMappingInfo>> MappingsAsync(Actor actor, Guid campaignId, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.SegmentEventMappings.AsNoTracking().Where(m => m.CampaignId == campaignId).OrderBy(m => m.EventName).ToListAsync(ct);
        return rows.ConvertAll(m => new SegmentEventMappingInfo(m.EventName, m.EventType));
    }

    /// <summary>Replaces the campaign's own Segment event names with <paramref name="items"/>.</summary>
    public async Task<List<SegmentEventMappingInfo>> SetMappingsAsync(Actor actor, Guid campaignId, IReadOnlyList<SegmentEventMappingInfo> items,
        CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        var errors = new List<FieldError>();
        if (items.Count > MaxMappings)
        {
            errors.Add(new FieldError("mappings", $"A campaign may map at most {MaxMappings} event names."));
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var cleaned = new List<SegmentEventMapping>();
        for (var i = 0; i < items.Count && errors.Count == 0; i++)
        {
            var name = items[i].Event?.Trim() ?? "";
            var type = items[i].Type?.Trim() ?? "";
            if (name.Length is < 1 or > 200 || name.Any(char.IsControl))
            {
                errors.Add(new FieldError($"mappings[{i}].event", "An event name has 1 to 200 characters, without control characters."));
            }
            else if (!seen.Add(name))
            {
                errors.Add(new FieldError($"mappings[{i}].event", $"The event name \"{name}\" is mapped twice."));
            }
            if (type != SegmentMapper.Ignore && !EventTypes.IsKnown(type))
            {
                errors.Add(new FieldError($"mappings[{i}].type", $"The type must be one of {string.Join(", ", EventTypes.All)} or {SegmentMapper.Ignore}."));
            }
            cleaned.Add(new SegmentEventMapping { CampaignId = campaignId, EventName = name, EventType = type });
        }
        if (errors.Count > 0)
        {
            throw new DomainValidationException(errors);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SegmentEventMappings.Where(m => m.CampaignId == campaignId).ExecuteDeleteAsync(ct);
        db.SegmentEventMappings.AddRange(cleaned);
        audit.Add(db, actor, AuditActions.SegmentMappingsChanged, campaignId, details: $"{cleaned.Count} Segment event names");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        mappings.Invalidate(campaignId);
        return [.. cleaned.OrderBy(m => m.EventName, StringComparer.Ordinal).Select(m => new SegmentEventMappingInfo(m.EventName, m.EventType))];
    }

    private async Task RequireManageAsync(Actor actor, Guid campaignId, CancellationToken ct)
    {
        if (!await access.CanManageAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot manage this campaign.");
        }
    }
}
