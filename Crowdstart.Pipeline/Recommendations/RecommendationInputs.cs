using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Metrics;

namespace Crowdstart.Pipeline.Recommendations;

/// <summary>
/// Everything the rules look at for one campaign at one moment. The rules are pure functions of it, so each one is
/// tested on constructed scenarios; <see cref="RecommendationService"/> fills it from the pre-computed metrics, the
/// latest forecast and a few bounded reads of the last 24 h of raw events (<see cref="RecommendationSignals"/>).
/// </summary>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Currency">Its currency (ISO code).</param>
/// <param name="Goal">Its goal.</param>
/// <param name="EndAt">Its end date, if any.</param>
/// <param name="Now">The moment of the evaluation.</param>
/// <param name="Metrics">The campaign's metrics snapshot (funnel by first-visit source, carts, revenue).</param>
/// <param name="Forecast">The latest forecast, if any.</param>
/// <param name="Recent">The last 24 h of raw events, aggregated.</param>
/// <param name="CartPeers">The other campaigns' cart totals (the platform's comparison for cart abandonment).</param>
public sealed record RecommendationInputs(
    Guid CampaignId,
    string Currency,
    decimal Goal,
    DateTimeOffset? EndAt,
    DateTimeOffset Now,
    MetricsSnapshot Metrics,
    CampaignForecast? Forecast,
    RecentActivity Recent,
    IReadOnlyList<CartPeer> CartPeers)
{
    /// <summary>Net pledged ÷ completed pledges so far; null before the first pledge.</summary>
    public decimal? AveragePledge => Metrics.Revenue.Pledges > 0 && Metrics.Revenue.Net > 0 ? Metrics.Revenue.Net / Metrics.Revenue.Pledges : null;
}

/// <summary>
/// The last 24 h of a campaign's raw events, aggregated by the rules' dimensions.
/// </summary>
/// <param name="Devices">Checkouts started and failed per <c>properties.device</c> (events without one under "").</param>
/// <param name="Rewards">Customers who viewed and who pledged per <c>properties.reward</c>.</param>
/// <param name="NetPledged">Net pledged (pledges minus refunds) over the last 24 h, from the minute rollups.</param>
/// <param name="Hours">How many hours the figures cover (24, or less for a campaign younger than that).</param>
public sealed record RecentActivity(IReadOnlyList<DeviceCheckouts> Devices, IReadOnlyList<RewardInterest> Rewards, decimal NetPledged, double Hours)
{
    public static readonly RecentActivity None = new([], [], 0, 0);
}

/// <summary>Checkouts started and failed on one device.</summary>
public sealed record DeviceCheckouts(string Device, long Attempts, long Failures);

/// <summary>Distinct customers who viewed a reward tier and who pledged for it, and what its pledges brought.</summary>
public sealed record RewardInterest(string Reward, long Viewers, long Pledgers, decimal Pledged);

/// <summary>Another campaign's goal and all-time cart totals.</summary>
public sealed record CartPeer(Guid CampaignId, string Currency, decimal Goal, long Carts, long CartsCompleted)
{
    public double Abandonment => Carts == 0 ? 0 : 1 - (double)CartsCompleted / Carts;
}
