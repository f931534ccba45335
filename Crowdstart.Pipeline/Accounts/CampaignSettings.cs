using System.Globalization;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>What a creator may change about a campaign without touching its metrics.</summary>
/// <param name="Name">3–200 characters.</param>
/// <param name="Goal">More than 0, at most 1,000,000,000.</param>
/// <param name="EndAt">After the launch, or null for no end.</param>
/// <param name="TimeZone">An IANA time zone, or null/empty for each viewer's own time.</param>
public sealed record CampaignDetails(string? Name, decimal Goal, DateTimeOffset? EndAt, string? TimeZone);

/// <summary>A campaign's metric definition: the funnel steps with their windows, and the cart window.</summary>
public sealed record MetricDefinition(IReadOnlyList<FunnelStep>? Funnel, int CartWindowSeconds);

/// <summary>A metrics rebuild as callers see it.</summary>
public sealed record RebuildInfo(Guid Id, Guid CampaignId, string Status, IReadOnlyList<FunnelStep> Funnel, int CartWindowSeconds, string RequestedBy,
    DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, long CustomersTotal, long CustomersDone, long Events, string? Error)
{
    /// <summary>Queued or running: the campaign still shows its previous figures.</summary>
    public bool IsActive => Status is CampaignSettings.Queued or CampaignSettings.Running;

    /// <summary>Share of the campaign's customers recomputed, 0–1 (0 until the runner has counted them).</summary>
    public double Progress => Status == CampaignSettings.Done ? 1 : CustomersTotal == 0 ? 0 : Math.Min(1, (double)CustomersDone / CustomersTotal);

    internal static RebuildInfo From(MetricsRebuild r) => new(r.Id, r.CampaignId, r.Status, FunnelDefinition.Parse(r.FunnelJson).Steps, r.CartWindowSeconds,
        r.RequestedBy, r.RequestedAt, r.StartedAt, r.FinishedAt, r.CustomersTotal, r.CustomersDone, r.Events, r.Error);
}

/// <summary>A campaign's settings page: its details, definition, latest rebuild, and whether the actor may delete it.</summary>
public sealed record CampaignSettingsInfo(CampaignInfo Campaign, RebuildInfo? LatestRebuild, bool CanDelete);

/// <summary>What deleting a campaign removed.</summary>
public sealed record CampaignDeletion(Guid CampaignId, string Name, long Events, long AggregateRows);

/// <summary>
/// A campaign's settings and lifecycle, for its managers: details (name, goal, end, time zone), the metric definition
/// (a change is applied by a rebuild of the campaign's metrics from the log, see <c>Processing.MetricsRebuilder</c>),
/// archiving, and deletion (admins, or the campaign's owner, with its name typed). Every change is audited.
/// </summary>
public sealed class CampaignSettings(IDbContextFactory<CrowdstartDbContext> contexts, CampaignAccess access, AuditLog audit,
    IngestKeyAuthenticator keys, TimeProvider time)
{
    public const string Queued = "queued", Running = "running", Done = "done", Failed = "failed";

    /// <summary>Longest funnel step window and cart window: 7 days.</summary>
    public const int MaxWindowSeconds = 7 * 86_400;

    /// <summary>Shortest cart window: one minute (the cart minutes' resolution).</summary>
    public const int MinCartWindowSeconds = 60;

    /// <summary>IANA time zones a campaign may use, sorted.</summary>
    public static IReadOnlyList<string> TimeZones { get; } =
        [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/') || id == "UTC").Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The campaign's settings, its latest rebuild and whether the actor may delete it.</summary>
    public async Task<CampaignSettingsInfo> GetAsync(Actor actor, Guid campaignId, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw new NotFoundException("Unknown campaign.");
        var rebuild = await db.MetricsRebuilds.AsNoTracking().Where(r => r.CampaignId == campaignId).OrderByDescending(r => r.RequestedAt)
            .FirstOrDefaultAsync(ct);
        return new CampaignSettingsInfo(CampaignInfo.From(campaign), rebuild is null ? null : RebuildInfo.From(rebuild), MayDelete(actor, campaign));
    }

    /// <summary>The campaign's latest rebuild, or null (for progress polling).</summary>
    public async Task<RebuildInfo?> LatestRebuildAsync(Actor actor, Guid campaignId, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rebuild = await db.MetricsRebuilds.AsNoTracking().Where(r => r.CampaignId == campaignId).OrderByDescending(r => r.RequestedAt)
            .FirstOrDefaultAsync(ct);
        return rebuild is null ? null : RebuildInfo.From(rebuild);
    }

    /// <summary>Changes name, goal, end date and time zone; validation problems name their field.</summary>
    public async Task<CampaignInfo> UpdateDetailsAsync(Actor actor, Guid campaignId, CampaignDetails details, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw new NotFoundException("Unknown campaign.");
        var errors = new List<FieldError>();
        var name = details.Name?.Trim() ?? "";
        if (name.Length is < 3 or > 200)
        {
            errors.Add(new("name", "The name must be 3 to 200 characters."));
        }
        if (details.Goal is <= 0 or > 1_000_000_000m)
        {
            errors.Add(new("goal", "The goal must be more than 0 and at most 1,000,000,000."));
        }
        if (details.EndAt is { } end && end <= campaign.LaunchAt)
        {
            errors.Add(new("endAt", $"The end date must be after the launch ({campaign.LaunchAt.UtcDateTime.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture)} UTC)."));
        }
        var zone = string.IsNullOrWhiteSpace(details.TimeZone) ? null : details.TimeZone.Trim();
        if (zone is not null && !TimeZones.Contains(zone, StringComparer.Ordinal))
        {
            errors.Add(new("timeZone", "The time zone must be an IANA time zone such as Europe/Paris or UTC, or empty for each viewer's own time."));
        }
        if (errors.Count > 0)
        {
            throw new DomainValidationException(errors);
        }
        var changes = new List<string>();
        void Note(string field, string from, string to)
        {
            if (from != to)
            {
                changes.Add($"{field}: {from} → {to}");
            }
        }
        Note("name", campaign.Name, name);
        Note("goal", campaign.GoalAmount.ToString("0.##", CultureInfo.InvariantCulture), decimal.Round(details.Goal, 2).ToString("0.##", CultureInfo.InvariantCulture));
        Note("end", campaign.EndAt?.UtcDateTime.ToString("O") ?? "none", details.EndAt?.UtcDateTime.ToString("O") ?? "none");
        Note("time zone", campaign.TimeZone ?? "viewer's own", zone ?? "viewer's own");
        campaign.Name = name;
        campaign.GoalAmount = decimal.Round(details.Goal, 2);
        campaign.EndAt = details.EndAt?.ToUniversalTime();
        campaign.TimeZone = zone;
        if (changes.Count > 0)
        {
            audit.Add(db, actor, AuditActions.CampaignUpdated, campaignId, details: string.Join("; ", changes));
            await db.SaveChangesAsync(ct);
        }
        return CampaignInfo.From(campaign);
    }

    /// <summary>
    /// Asks for a new metric definition. It is applied by a rebuild from the log, queued here; the campaign keeps its
    /// definition and figures until the rebuild swaps them. Refused (409) while another rebuild waits or runs, when
    /// nothing changes, and when the log no longer holds every event the figures were made from (retention).
    /// </summary>
    public async Task<RebuildInfo> ChangeDefinitionAsync(Actor actor, Guid campaignId, MetricDefinition definition, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        var funnel = ValidateDefinition(definition);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var campaign = await db.Campaigns.FromSql($"SELECT * FROM campaigns WHERE id = {campaignId} FOR UPDATE").SingleOrDefaultAsync(ct)
            ?? throw new NotFoundException("Unknown campaign.");
        if (await db.MetricsRebuilds.AnyAsync(r => r.CampaignId == campaignId && (r.Status == Queued || r.Status == Running), ct))
        {
            throw new ConflictException("A rebuild of this campaign's metrics is already under way; wait until it is done.");
        }
        if (FunnelDefinition.Parse(campaign.FunnelJson).ToJson() == funnel.ToJson() && campaign.CartWindowSeconds == definition.CartWindowSeconds)
        {
            throw new ConflictException("Nothing to change: this is the funnel and cart window in use.");
        }
        var (counted, logged, erased) = await LogCoverageAsync(db, campaignId, ct);
        if (logged < counted || erased > 0)
        {
            throw new ConflictException(
                $"The metrics cannot be rebuilt: retention has removed raw events or customer ids of this campaign ({logged:N0} of {counted:N0} events left in the log, " +
                $"{erased:N0} with erased ids), so its figures can no longer be recomputed, and the definition stays as it is.");
        }
        var rebuild = new MetricsRebuild
        {
            Id = Guid.NewGuid(),
            CampaignId = campaignId,
            Status = Queued,
            FunnelJson = funnel.ToJson(),
            CartWindowSeconds = definition.CartWindowSeconds,
            RequestedByUserId = actor.AuditUserId,
            RequestedBy = actor.Name,
            RequestedAt = time.GetUtcNow(),
        };
        db.MetricsRebuilds.Add(rebuild);
        audit.Add(db, actor, AuditActions.MetricDefinitionChanged, campaignId,
            details: $"funnel {Describe(FunnelDefinition.Parse(campaign.FunnelJson))} → {Describe(funnel)}; cart window {campaign.CartWindowSeconds} s → {definition.CartWindowSeconds} s");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return RebuildInfo.From(rebuild);
    }

    private static string Describe(FunnelDefinition funnel) =>
        string.Join(" → ", funnel.Steps.Select((s, i) => i == 0 ? s.Type : $"{s.Type} ({s.WithinSeconds} s)"));

    /// <summary>Events the aggregates counted, events the log holds (up to the checkpoints), events whose ids were erased.</summary>
    private static async Task<(long Counted, long Logged, long Erased)> LogCoverageAsync(CrowdstartDbContext db, Guid campaignId, CancellationToken ct)
    {
        var row = await db.Database.SqlQuery<LogCoverage>(
            $"""
            SELECT (SELECT coalesce(sum(events), 0)::bigint FROM campaign_partition_totals WHERE campaign_id = {campaignId}) AS "Counted",
                   (SELECT count(*) FROM event_log e JOIN partition_checkpoints c ON c.partition = e.partition
                    WHERE e.campaign_id = {campaignId} AND e."offset" <= c."offset") AS "Logged",
                   (SELECT count(*) FROM event_log WHERE campaign_id = {campaignId} AND customer_id = {CustomerData.ErasedCustomerId}) AS "Erased"
            """).SingleAsync(ct);
        return (row.Counted, row.Logged, row.Erased);
    }

    private sealed record LogCoverage(long Counted, long Logged, long Erased);

    /// <summary>Checks a definition; every problem names its field (<c>funnel[1].withinSeconds</c>, <c>cartWindowSeconds</c>).</summary>
    public static FunnelDefinition ValidateDefinition(MetricDefinition definition)
    {
        var errors = new List<FieldError>();
        var steps = definition.Funnel ?? [];
        var funnel = new FunnelDefinition([.. steps.Select((s, i) => i == 0 ? s with { WithinSeconds = null } : s)]);
        try
        {
            funnel.Validate();
        }
        catch (ArgumentException ex)
        {
            var colon = ex.Message.IndexOf(": ", StringComparison.Ordinal);
            errors.Add(colon > 0 ? new(ex.Message[..colon], Sentence(ex.Message[..colon], ex.Message[(colon + 2)..])) : new("funnel", ex.Message));
        }
        for (var i = 1; i < steps.Count; i++)
        {
            if (steps[i].WithinSeconds > MaxWindowSeconds)
            {
                errors.Add(new($"funnel[{i}].withinSeconds", $"Step {i + 1}'s window must be at most 7 days ({MaxWindowSeconds:N0} seconds)."));
            }
        }
        if (definition.CartWindowSeconds is < MinCartWindowSeconds or > MaxWindowSeconds)
        {
            errors.Add(new("cartWindowSeconds", $"The cart window must be from 1 minute to 7 days ({MinCartWindowSeconds} to {MaxWindowSeconds:N0} seconds)."));
        }
        return errors.Count > 0 ? throw new DomainValidationException(errors) : funnel;
    }

    private static string Sentence(string field, string reason) => field switch
    {
        "funnel" => $"The funnel {reason}.",
        _ when field.EndsWith(".type", StringComparison.Ordinal) => $"Step {StepNumber(field)}: {reason}.",
        _ when field.EndsWith(".withinSeconds", StringComparison.Ordinal) => $"Step {StepNumber(field)}'s window {reason}.",
        _ => $"{field} {reason}.",
    };

    private static int StepNumber(string field) => int.Parse(field[(field.IndexOf('[') + 1)..field.IndexOf(']')], CultureInfo.InvariantCulture) + 1;

    /// <summary>Hides the campaign from the overview (its data, keys and pages stay); audited.</summary>
    public Task<CampaignInfo> ArchiveAsync(Actor actor, Guid campaignId, CancellationToken ct = default) => SetArchivedAsync(actor, campaignId, true, ct);

    /// <summary>Shows an archived campaign on the overview again; audited.</summary>
    public Task<CampaignInfo> UnarchiveAsync(Actor actor, Guid campaignId, CancellationToken ct = default) => SetArchivedAsync(actor, campaignId, false, ct);

    private async Task<CampaignInfo> SetArchivedAsync(Actor actor, Guid campaignId, bool archived, CancellationToken ct)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw new NotFoundException("Unknown campaign.");
        if (campaign.ArchivedAt is not null == archived)
        {
            throw new ConflictException(archived ? "The campaign is archived already." : "The campaign is not archived.");
        }
        campaign.ArchivedAt = archived ? time.GetUtcNow() : null;
        audit.Add(db, actor, archived ? AuditActions.CampaignArchived : AuditActions.CampaignUnarchived, campaignId, details: campaign.Name);
        await db.SaveChangesAsync(ct);
        return CampaignInfo.From(campaign);
    }

    private static bool MayDelete(Actor actor, Campaign campaign) =>
        actor.IsAdmin || (campaign.CreatedByUserId is { } owner && owner == actor.UserId);

    /// <summary>
    /// Deletes the campaign and everything derived from its customers at once: raw events, every metric table's rows,
    /// keys, share links, alerts, webhooks, grants and requests, forecasts. Only the audit log keeps its entries (with
    /// this deletion's). Admins, or the campaign's owner, typing its name as <paramref name="confirmName"/>.
    /// </summary>
    public async Task<CampaignDeletion> DeleteAsync(Actor actor, Guid campaignId, string? confirmName, CancellationToken ct = default)
    {
        await RequireManageAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Checkpoint rows first, as the pipeline and rebuilds take them: no batch is folding this campaign meanwhile.
        await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM partition_checkpoints ORDER BY partition FOR UPDATE", ct);
        var campaign = await db.Campaigns.FromSql($"SELECT * FROM campaigns WHERE id = {campaignId} FOR UPDATE").SingleOrDefaultAsync(ct)
            ?? throw new NotFoundException("Unknown campaign.");
        if (!MayDelete(actor, campaign))
        {
            throw new AccessDeniedException("Only an admin or the campaign's owner (who created it) can delete it.");
        }
        if (!string.Equals(confirmName?.Trim(), campaign.Name, StringComparison.Ordinal))
        {
            throw new DomainValidationException("confirmName", $"Type the campaign's name, {campaign.Name}, exactly to delete it.");
        }
        var events = (long)await db.Database.ExecuteSqlAsync($"DELETE FROM event_log WHERE campaign_id = {campaignId}", ct);
        long aggregates = 0;
        foreach (var table in MetricTables.All.Select(t => t.Name))
        {
#pragma warning disable EF1002 // table names come from the registry, never from input
            aggregates += await db.Database.ExecuteSqlRawAsync($"DELETE FROM {table} WHERE campaign_id = @p0", [campaignId], ct);
#pragma warning restore EF1002
        }
        // Keys, share links, alerts, mutes, webhooks and deliveries, grants, requests, forecasts, dismissals and
        // rebuilds go with the campaign row (ON DELETE CASCADE).
        await db.Database.ExecuteSqlAsync($"DELETE FROM campaigns WHERE id = {campaignId}", ct);
        audit.Add(db, actor, AuditActions.CampaignDeleted, campaignId,
            details: $"{campaign.Name}: {events:N0} raw events and {aggregates:N0} aggregate rows deleted");
        await db.SaveChangesAsync(ct);
        // Its keys stop working on every instance when (and only if) the deletion commits.
        await keys.AnnounceRevocationAsync(db.Database, campaignId, ct);
        await tx.CommitAsync(ct);
        keys.Invalidate();
        return new CampaignDeletion(campaignId, campaign.Name, events, aggregates);
    }

    private async Task RequireManageAsync(Actor actor, Guid campaignId, CancellationToken ct)
    {
        if (!await access.CanManageAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot manage this campaign.");
        }
    }
}
