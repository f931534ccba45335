using System.Globalization;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Recommendations;

/// <summary>
/// A campaign's recommendations: the rules (<see cref="RecommendationEngine"/>) over its metrics snapshot, latest
/// forecast and recent raw-event aggregates (<see cref="RecommendationSignals"/>, cached), less what creators dismissed;
/// and dismissals, persisted and audited.
/// </summary>
public sealed class RecommendationService(
    IDbContextFactory<CrowdstartDbContext> contexts,
    CampaignAccess access,
    IMetricsQuery metrics,
    ForecastQuery forecasts,
    RecommendationSignals signals,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>
    /// The recommendations to show for a campaign whose snapshot and latest forecast the caller already read (the live
    /// page reads them anyway): at most <see cref="RecommendationEngine.MaxShown"/>, most valuable first.
    /// </summary>
    public async Task<IReadOnlyList<Recommendation>> ForAsync(CampaignInfo campaign, MetricsSnapshot snapshot, CampaignForecast? forecast,
        CancellationToken ct = default)
    {
        var inputsTask = InputsAsync(campaign, snapshot, forecast, ct);
        var dismissalsTask = DismissalsAsync(campaign.Id, ct);
        var all = RecommendationEngine.Evaluate(await inputsTask);
        return RecommendationEngine.Rank(all, await dismissalsTask);
    }

    /// <summary>The campaign's recommendations now, or null for an unknown campaign (the API).</summary>
    public async Task<IReadOnlyList<Recommendation>?> GetAsync(Guid campaignId, CancellationToken ct = default)
    {
        if (await CurrentAsync(campaignId, ct) is not { } current)
        {
            return null;
        }
        return RecommendationEngine.Rank(current.All, await DismissalsAsync(campaignId, ct));
    }

    /// <summary>The campaign's dismissals (what hides a recommendation until its evidence moves).</summary>
    public async Task<IReadOnlyList<Dismissal>> DismissalsAsync(Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.RecommendationDismissals.AsNoTracking().Where(d => d.CampaignId == campaignId)
            .Select(d => new Dismissal(d.RuleKey, d.Subject, d.Value, d.DismissedAt, d.DismissedBy)).ToListAsync(ct);
    }

    /// <summary>
    /// Dismisses the campaign's current recommendation of <paramref name="ruleKey"/>, remembering its evidence; audited in
    /// the same transaction. Dismissing again replaces the remembered evidence. 404 for an unknown rule, 409 when the rule has no recommendation now.
    /// </summary>
    public async Task<Dismissal> DismissAsync(Actor actor, Guid campaignId, string ruleKey, CancellationToken ct = default)
    {
        if (!await access.CanManageAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot manage this campaign's recommendations.");
        }
        if (!RecommendationRules.All.Contains(ruleKey))
        {
            throw new NotFoundException($"Unknown recommendation rule; one of {string.Join(", ", RecommendationRules.All)}.");
        }
        var current = await CurrentAsync(campaignId, ct) ?? throw new NotFoundException("Unknown campaign.");
        var recommendation = current.All.FirstOrDefault(r => r.RuleKey == ruleKey)
            // The rule exists but has nothing to say now: a state clash (409), not an unknown thing (404).
            ?? throw new ConflictException("There is nothing to dismiss: the rule has no recommendation for this campaign right now.");
        var evidence = recommendation.Evidence;
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.RecommendationDismissals.FirstOrDefaultAsync(d => d.CampaignId == campaignId && d.RuleKey == ruleKey, ct);
        if (row is null)
        {
            row = new RecommendationDismissal { CampaignId = campaignId, RuleKey = ruleKey, Subject = evidence.Subject, DismissedBy = actor.Name };
            db.RecommendationDismissals.Add(row);
        }
        row.Subject = evidence.Subject.Length > 500 ? evidence.Subject[..500] : evidence.Subject;
        row.Value = evidence.Value;
        row.DismissedAt = now;
        row.DismissedByUserId = actor.AuditUserId;
        row.DismissedBy = actor.Name;
        audit.Add(db, actor, AuditActions.RecommendationDismissed, campaignId, details:
            $"{ruleKey}: {evidence.Metric} = {evidence.ValueText} ({evidence.Value.ToString("G6", CultureInfo.InvariantCulture)}) vs {evidence.ComparedWith} {evidence.ComparedWithText}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two dismissals of the same rule at once: the other one's evidence is as good as this one's.
            throw new ConflictException("The recommendation was just dismissed by someone else.");
        }
        return new Dismissal(ruleKey, row.Subject, row.Value, now, actor.Name);
    }

    private sealed record Current(IReadOnlyList<Recommendation> All);

    private async Task<Current?> CurrentAsync(Guid campaignId, CancellationToken ct)
    {
        var campaignTask = access.FindAsync(campaignId, ct);
        var snapshotTask = metrics.GetSnapshotAsync(campaignId, time.GetUtcNow(), ct);
        var forecastTask = forecasts.LatestAsync([campaignId], ct);
        await Task.WhenAll(campaignTask, snapshotTask, forecastTask);
        if (await campaignTask is not { } campaign || await snapshotTask is not { } snapshot)
        {
            return null;
        }
        var inputs = await InputsAsync(campaign, snapshot, (await forecastTask).GetValueOrDefault(campaignId), ct);
        return new Current(RecommendationEngine.Evaluate(inputs));
    }

    private async Task<RecommendationInputs> InputsAsync(CampaignInfo campaign, MetricsSnapshot snapshot, CampaignForecast? forecast, CancellationToken ct)
    {
        var recentTask = signals.RecentAsync(campaign.Id, campaign.LaunchAt, ct);
        var peersTask = signals.CartPeersAsync(ct);
        await Task.WhenAll(recentTask, peersTask);
        return new RecommendationInputs(campaign.Id, campaign.Currency.Trim(), campaign.GoalAmount, campaign.EndAt, snapshot.At, snapshot, forecast,
            await recentTask, await peersTask);
    }
}
