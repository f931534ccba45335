namespace Crowdstart.Pipeline.Storage;

/// <summary>One table of pre-computed metrics, as partition maintenance and retention need to know it.</summary>
/// <param name="Name">Table name.</param>
/// <param name="TimeColumn">The column that dates a row (retention deletes rows older than the aggregate limit by
/// it); null for campaign-lifetime tables, which go once the campaign ended that long ago.</param>
/// <param name="DayPartitioned">Range-partitioned by day on <paramref name="TimeColumn"/>: day partitions are created
/// ahead of time and dropped whole.</param>
public sealed record MetricTable(string Name, string? TimeColumn, bool DayPartitioned = false);

/// <summary>
/// The registry of metric tables: a new metric's table is added here once, and partition maintenance
/// (<see cref="TimeSeriesPartitions"/>) and retention (<c>RetentionEnforcer</c>) both follow. A test checks that every
/// <c>metric_*</c> and <c>campaign_*</c> aggregate table of the EF model is listed.
/// </summary>
public static class MetricTables
{
    public static readonly IReadOnlyList<MetricTable> All =
    [
        new("campaign_minute_rollups", "minute", DayPartitioned: true),
        new("metric_event_counts", "bucket", DayPartitioned: true),
        new("metric_window_points", "point", DayPartitioned: true),
        new("metric_cart_minutes", "minute"),
        new("metric_cohorts", "cohort_hour"),
        new("metric_cohort_returns", "cohort_hour"),
        // Forecasts are derived figures too: kept as long as the aggregates they were made from.
        new("campaign_forecasts", "computed_at"),
        new("campaign_partition_totals", null),
        new("metric_funnel_steps", null),
        new("metric_cart_completion", null),
    ];

    /// <summary>Tables whose rows are dated.</summary>
    public static IEnumerable<MetricTable> TimeSeries => All.Where(t => t.TimeColumn is not null);

    /// <summary>Tables with one row per campaign (and key) for its whole life.</summary>
    public static IEnumerable<MetricTable> Lifetime => All.Where(t => t.TimeColumn is null);

    /// <summary>Tables partitioned by day.</summary>
    public static IEnumerable<MetricTable> DayPartitioned => All.Where(t => t.DayPartitioned);
}
