using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Recommendations;
using Crowdstart.Pipeline.Storage;

namespace Crowdstart.Dashboard.Model;

/// <summary>
/// Everything the campaign page draws at one moment, read from pre-computed tables (plus the feed's newest log
/// rows). Computed once per campaign and range by <see cref="Services.CampaignLiveSource"/> and shared by every
/// page and hub client watching it, so a hundred open pages cost one read per change, not a hundred.
/// </summary>
public sealed record CampaignLiveView(
    CampaignInfo Campaign,
    LiveRange Range,
    DateTimeOffset At,
    DateTimeOffset From,
    bool Hourly,
    MetricsSnapshot Metrics,
    CampaignTotals Totals,
    IReadOnlyList<RevenuePoint> Revenue,
    decimal NetBeforeRange,
    IReadOnlyList<RevenuePoint> EarlyVelocity,
    IReadOnlyDictionary<int, IReadOnlyList<ConversionPoint>> Conversion,
    IReadOnlyList<FeedEvent> Feed,
    TimeSpan ComputeTime)
{
    /// <summary>The campaign's forecast (null when the source has no forecast reader).</summary>
    public ForecastView? Forecast { get; init; }

    /// <summary>What to do now, at most three, most valuable first (null when the source has no recommendation service).</summary>
    public IReadOnlyList<Recommendation>? Recommendations { get; init; }

    /// <summary>The recommendations could not be computed this time (their raw-event reads failed or timed out); the rest of the view is current.</summary>
    public bool RecommendationsFailed { get; init; }

    /// <summary>Every live window's figures one window earlier (the tiles' deltas); null when the source has no comparison reader.</summary>
    public PreviousPeriod? Previous { get; init; }

    /// <summary>Net revenue of the equal-length range before this one (the revenue chart's ghost series); null when there is none.</summary>
    public IReadOnlyList<RevenuePoint>? PreviousRevenue { get; init; }

    /// <summary>5-min conversion of the equal-length range before this one (the conversion chart's ghost series); null when there is none.</summary>
    public IReadOnlyList<ConversionPoint>? PreviousConversion { get; init; }

    /// <summary>Set on the last good view when refreshing it failed (e.g. the database is unreachable): shown as stale.</summary>
    public string? Problem { get; init; }
}
