using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Storage;

namespace Crowdstart.Dashboard.Model;

/// <summary>One card of the overview.</summary>
/// <param name="Campaign">The campaign.</param>
/// <param name="Totals">Its totals since launch.</param>
/// <param name="OpenAlerts">Alerts open or acknowledged now.</param>
/// <param name="Conversion5m">Visitors and pledgers of the last five minutes.</param>
/// <param name="ConversionTrend">5-minute conversion over the last hour, one point a minute ([ms, percent]).</param>
/// <param name="Forecast">The latest forecast of a running campaign, if it has one.</param>
public sealed record CampaignCard(CampaignInfo Campaign, CampaignTotals Totals, int OpenAlerts, WindowConversion Conversion5m,
    IReadOnlyList<double[]> ConversionTrend, CampaignForecast? Forecast = null)
{
    public double GoalProgress => Campaign.GoalAmount > 0 ? (double)(Totals.NetPledged / Campaign.GoalAmount) : 0;

    /// <summary>Visitors arrived in the last five minutes: the launch is live right now.</summary>
    public bool IsActive => Conversion5m.Visitors > 0;
}

/// <summary>State of the campaigns overview: the signed-in user's campaigns only.</summary>
public sealed class CampaignsOverviewViewModel(CampaignAccess access, CurrentUser user, RollupQueries rollups, IMetricsQuery metrics,
    Pipeline.Alerts.AlertStore alerts, ForecastQuery forecasts, TimeProvider time)
{
    private static readonly TimeSpan TrendSpan = TimeSpan.FromHours(1);

    public bool Loaded { get; private set; }
    public IReadOnlyList<CampaignCard> Cards { get; private set; } = [];
    public DateTimeOffset? LastUpdate { get; private set; }

    /// <summary>Show archived campaigns too (hidden by default).</summary>
    public bool ShowArchived { get; set; }

    /// <summary>How many of the user's campaigns are archived (shown or not).</summary>
    public int ArchivedCount { get; private set; }

    public async Task RefreshAsync(CancellationToken ct = default)
    {
        var all = await access.ReadableCampaignsAsync(await user.RequireAsync(), ct);
        ArchivedCount = all.Count(c => c.IsArchived);
        var list = ShowArchived ? all : all.FindAll(c => !c.IsArchived);
        var totals = await rollups.GetTotalsAsync(ct);
        var open = await alerts.OpenCountsAsync([.. list.Select(c => c.Id)], ct);
        var now = time.GetUtcNow();
        // One query for every card's sparkline: a point a minute over the last hour, ending at the live grid point
        // (the window that ends at the next 10-second boundary), like the campaign page's tile.
        var trends = await metrics.GetConversionTrendsAsync([.. list.Select(c => c.Id)], 300, now - TrendSpan, MetricWindows.LivePoint(now), 60, ct);
        // Only running campaigns show a chance: an ended campaign's total is final.
        var latest = await forecasts.LatestAsync([.. list.Where(c => c.LaunchAt <= now && c.EndAt > now).Select(c => c.Id)], ct);
        var cards = new List<CampaignCard>(list.Count);
        foreach (var c in list)
        {
            var series = trends.GetValueOrDefault(c.Id) ?? [];
            // Minutes without visitors have no conversion: gaps, as on the campaign page, not 0 % dips.
            var trend = series.Where(p => p.Rate is not null).Select(p => new[] { (double)p.At.ToUnixTimeMilliseconds(), Math.Round(p.Rate!.Value * 100, 2) }).ToArray();
            var last = series.Count == 0 ? new ConversionPoint(now, 0, 0) : series[^1];
            cards.Add(new CampaignCard(c, totals.GetValueOrDefault(c.Id) ?? new CampaignTotals(c.Id, 0, 0, 0, 0), open.GetValueOrDefault(c.Id),
                new WindowConversion(300, last.Visitors, last.Pledgers), trend, latest.GetValueOrDefault(c.Id)));
        }
        Cards = cards;
        Loaded = true;
        LastUpdate = now;
    }
}
