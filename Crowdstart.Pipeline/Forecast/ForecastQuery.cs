using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Forecast;

/// <summary>Reads campaigns' forecasts for the page, the overview and the API (the forecasts are computed by <see cref="ForecastService"/>).</summary>
public sealed class ForecastQuery(IDbContextFactory<CrowdstartDbContext> contexts, ForecastStore store, TimeProvider time)
{
    /// <summary>How far apart the points of <see cref="ForecastView.History"/> are at most.</summary>
    public static readonly TimeSpan HistoryStep = TimeSpan.FromHours(1);

    /// <summary>The forecast of <paramref name="campaignId"/>, or null when there is no such campaign.</summary>
    public async Task<ForecastView?> GetAsync(Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId)
            .Select(c => new { c.LaunchAt, c.EndAt }).FirstOrDefaultAsync(ct);
        if (campaign is null)
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (campaign.EndAt is null)
        {
            return Empty(campaignId, ForecastAvailability.NoEndDate);
        }
        if (campaign.LaunchAt > now)
        {
            return Empty(campaignId, ForecastAvailability.NotLaunched);
        }
        var latest = (await store.LatestAsync([campaignId], ct)).GetValueOrDefault(campaignId);
        var availability = campaign.EndAt <= now ? ForecastAvailability.Ended
            : latest is not null ? ForecastAvailability.Available
            : now - campaign.LaunchAt < Forecaster.FirstForecast ? ForecastAvailability.TooEarly
            : ForecastAvailability.Pending;
        var history = latest is null ? [] : await store.HistoryAsync(campaignId, HistoryStep, ct);
        return new ForecastView(campaignId, availability, latest,
            [.. history.Select(h => new ForecastHistoryPoint(h.AsOf, h.Pledged, h.ProjectedTotal, h.Low, h.High, h.Probability))],
            ForecastExplanation.For(availability, latest));
    }

    /// <summary>The latest forecast of each running campaign of <paramref name="campaigns"/> that has one (overview cards).</summary>
    public async Task<IReadOnlyDictionary<Guid, CampaignForecast>> LatestAsync(IReadOnlyCollection<Guid> campaigns, CancellationToken ct = default) =>
        await store.LatestAsync(campaigns, ct);

    private static ForecastView Empty(Guid campaignId, ForecastAvailability availability) =>
        new(campaignId, availability, null, [], ForecastExplanation.For(availability, null));
}
