namespace Crowdstart.Pipeline.Metrics;

/// <summary>
/// Sliding-window conversion: customers who pledged in the window / customers who visited or pledged in it, so every
/// pledger is one of the visitors and the rate is a share (≤ 100 %).
/// </summary>
public sealed record WindowConversion(int WindowSeconds, long Visitors, long Pledgers)
{
    public double? Rate => Visitors == 0 ? null : (double)Pledgers / Visitors;
}

/// <summary>One funnel step: customers who reached at least this step.</summary>
public sealed record FunnelStepResult(int Step, string Type, int? WithinSeconds, long Customers, double? StepConversion,
    double? OverallConversion, long DropOff, IReadOnlyDictionary<string, long> BySource);

/// <summary>A first-visit hour cohort (all sources): size, returns within 24 h, and first returns by hour since the visit.</summary>
public sealed record CohortRow(DateTimeOffset Hour, long Customers, long Returned, IReadOnlyList<long> FirstReturnsByHour)
{
    public double? ReturnRate => Customers == 0 ? null : (double)Returned / Customers;
}

/// <summary>Cohort totals grouped by something other than the hour (a day, or a source).</summary>
public sealed record CohortGroup(string Key, long Customers, long Returned)
{
    public double? ReturnRate => Customers == 0 ? null : (double)Returned / Customers;
}

/// <summary>Revenue figures (net = pledged − refunded, by event time).</summary>
public sealed record RevenueSummary(string Currency, decimal Pledged, decimal Refunded, decimal Goal, decimal LastMinuteNet,
    decimal LastHourNet, decimal EarlyVelocityNet, long Pledges)
{
    public decimal Net => Pledged - Refunded;
    public double? GoalProgress => Goal <= 0 ? null : (double)(Net / Goal);
}

/// <summary>Social-referred vs direct visits (page views) in a window.</summary>
public sealed record SocialAmplification(int WindowSeconds, long SocialVisits, long DirectVisits, IReadOnlyDictionary<string, long> ByNetwork)
{
    public double? Ratio => DirectVisits == 0 ? null : (double)SocialVisits / DirectVisits;
}

/// <summary>Checkout failures / checkout attempts in a window.</summary>
public sealed record CheckoutHealth(int WindowSeconds, long Attempts, long Failures)
{
    public double? FailureRate => Attempts == 0 ? null : (double)Failures / Attempts;
}

/// <summary>A histogram bar of cart completion times.</summary>
public sealed record HistogramBucket(int FromSeconds, int? ToSeconds, long Carts);

/// <summary>Cart completion: exact percentiles at one-second resolution, histogram and abandonment.</summary>
public sealed record CartCompletionSummary(long Carts, long Completed, int? P50Seconds, int? P90Seconds, int? P99Seconds,
    IReadOnlyList<HistogramBucket> Histogram, long MaturedCarts, long MaturedAbandoned)
{
    public double? AbandonmentRate => MaturedCarts == 0 ? null : (double)MaturedAbandoned / MaturedCarts;
}

/// <summary>
/// Everything the campaign dashboard shows at one moment, from pre-computed rows only, all read in one database
/// snapshot (so totals, funnel and revenue always agree). <see cref="Events"/> counts every processed event.
/// </summary>
public sealed record MetricsSnapshot(
    Guid CampaignId,
    DateTimeOffset At,
    IReadOnlyList<WindowConversion> Conversion,
    IReadOnlyList<FunnelStepResult> Funnel,
    IReadOnlyList<CohortRow> Cohorts,
    IReadOnlyList<CohortGroup> CohortsByDay,
    IReadOnlyList<CohortGroup> CohortsBySource,
    double? ReturnRate24h,
    RevenueSummary Revenue,
    IReadOnlyList<SocialAmplification> Social,
    CartCompletionSummary Carts,
    IReadOnlyList<CheckoutHealth> Checkout,
    long LateEvents,
    long Events);

/// <summary>A point of a sliding-window conversion series (visitors include the window's pledgers, as in <see cref="WindowConversion"/>).</summary>
public sealed record ConversionPoint(DateTimeOffset At, long Visitors, long Pledgers)
{
    public double? Rate => Visitors == 0 ? null : (double)Pledgers / Visitors;
}

/// <summary>Net revenue in one interval, with the running total since the series start.</summary>
public sealed record RevenuePoint(DateTimeOffset At, TimeSpan SinceLaunch, decimal Net, decimal Cumulative);
