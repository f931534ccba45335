using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Metrics;

namespace Crowdstart.Dashboard.Model;

/// <summary>
/// State of a share link's wall view: the campaign the token opens and its aggregates (the metrics snapshot and the
/// 5-minute conversion of the last hour), nothing else. Every refresh checks the token again, so a revoked or expired
/// link shows nothing from its next refresh on.
/// </summary>
public sealed class SharedDashboardViewModel(ShareLinks links, IMetricsQuery metrics, TimeProvider time)
{
    /// <summary>The campaign, or null when the link is not (or no longer) valid.</summary>
    public SharedCampaign? Campaign { get; private set; }
    public MetricsSnapshot? Snapshot { get; private set; }
    public IReadOnlyList<double[]> ConversionTrend { get; private set; } = [];
    public bool Loaded { get; private set; }
    public DateTimeOffset Now { get; private set; }

    public TimeSpan Offset => Campaign?.OffsetAt(Now) ?? TimeSpan.Zero;

    /// <summary>Reads the token and, while it is valid, the figures; <paramref name="countView"/> on the page's first interactive load.</summary>
    public async Task RefreshAsync(string? token, bool countView, CancellationToken ct = default)
    {
        Now = time.GetUtcNow();
        Campaign = await links.OpenAsync(token, countView, ct);
        if (Campaign is null)
        {
            Snapshot = null;
            ConversionTrend = [];
        }
        else
        {
            Snapshot = await metrics.GetSnapshotAsync(Campaign.CampaignId, Now, ct);
            var trends = await metrics.GetConversionTrendsAsync([Campaign.CampaignId], 300, Now - TimeSpan.FromHours(1), MetricWindows.LivePoint(Now), 60, ct);
            ConversionTrend = [.. (trends.GetValueOrDefault(Campaign.CampaignId) ?? []).Where(p => p.Rate is not null)
                .Select(p => new[] { (double)p.At.ToUnixTimeMilliseconds(), Math.Round(p.Rate!.Value * 100, 2) })];
        }
        Loaded = true;
    }
}
