namespace Crowdstart.Pipeline.Metrics;

/// <summary>
/// The sliding-window grid. A window value is stored at every 10-second boundary T and covers events with
/// <c>T − W ≤ occurredAt &lt; T</c>. An event at t therefore counts at the W/10 points
/// <c>floor10(t) + 10 s … floor10(t) + W</c>.
/// </summary>
public static class MetricWindows
{
    public const int StepSeconds = 10;
    public static readonly long StepTicks = TimeSpan.FromSeconds(StepSeconds).Ticks;

    /// <summary>Window lengths kept for sliding metrics: 1 min, 5 min, 1 h.</summary>
    public static readonly IReadOnlyList<int> WindowSeconds = [60, 300, 3600];

    /// <summary>Start of the 10-second bucket holding <paramref name="at"/>.</summary>
    public static DateTimeOffset Bucket(DateTimeOffset at) => new(Floor(at.UtcTicks), TimeSpan.Zero);

    /// <summary>The first grid point whose window contains <paramref name="ticks"/>.</summary>
    public static long FirstPoint(long ticks) => Floor(ticks) + StepTicks;

    /// <summary>The grid point at or after <paramref name="at"/>: its window ends at the next boundary, so it includes every event so far.</summary>
    public static DateTimeOffset LivePoint(DateTimeOffset at) => new(Floor(at.UtcTicks) + StepTicks, TimeSpan.Zero);

    private static long Floor(long ticks) => ticks - ticks % StepTicks;
}
