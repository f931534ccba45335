namespace Crowdstart.Dashboard.Model;

/// <summary>The time range of the campaign page's charts, kept in the URL (<c>?range=1h</c>).</summary>
public enum LiveRange
{
    /// <summary>The last 15 minutes, at the finest grain.</summary>
    Live,
    Hour,
    SixHours,
    Day,
    SinceLaunch,
}

/// <summary>Names, labels and bounds of <see cref="LiveRange"/>.</summary>
public static class LiveRanges
{
    /// <summary>
    /// Longest span drawn per minute; longer ranges (24 h, "since launch" after 6 h) are drawn per hour: 1,441 minute
    /// bars are more than a chart's pixels and took seconds to draw.
    /// </summary>
    public static readonly TimeSpan PerMinuteLimit = TimeSpan.FromHours(6);

    /// <summary>Longest "since launch" range drawn (the hourly series' own limit).</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(400);

    public static IReadOnlyList<LiveRange> All { get; } = Enum.GetValues<LiveRange>();

    /// <summary>The value used in the URL.</summary>
    public static string ToQuery(this LiveRange range) => range switch
    {
        LiveRange.Hour => "1h",
        LiveRange.SixHours => "6h",
        LiveRange.Day => "24h",
        LiveRange.SinceLaunch => "launch",
        _ => "live",
    };

    /// <summary>Reads the URL value; anything unknown is the live range.</summary>
    public static LiveRange Parse(string? value) => value?.ToLowerInvariant() switch
    {
        "1h" => LiveRange.Hour,
        "6h" => LiveRange.SixHours,
        "24h" => LiveRange.Day,
        "launch" => LiveRange.SinceLaunch,
        _ => LiveRange.Live,
    };

    public static string Label(this LiveRange range) => range switch
    {
        LiveRange.Hour => "1 h",
        LiveRange.SixHours => "6 h",
        LiveRange.Day => "24 h",
        LiveRange.SinceLaunch => "Since launch",
        _ => "Live",
    };

    /// <summary>
    /// Start of the range ending at <paramref name="now"/>, and whether revenue is drawn per hour. The 1 h, 6 h and 24 h
    /// ranges of a campaign younger than the range start at its launch (a chart of the hours before it would be empty).
    /// </summary>
    public static (DateTimeOffset From, bool Hourly) Resolve(this LiveRange range, DateTimeOffset now, DateTimeOffset launchAt)
    {
        var span = range switch
        {
            LiveRange.Hour => TimeSpan.FromHours(1),
            LiveRange.SixHours => TimeSpan.FromHours(6),
            LiveRange.Day => TimeSpan.FromHours(24),
            // A campaign that has not launched yet still shows its last hour (pre-launch traffic).
            LiveRange.SinceLaunch => launchAt < now ? Min(now - launchAt, MaxSpan) : TimeSpan.FromHours(1),
            _ => TimeSpan.FromMinutes(15),
        };
        if (range is LiveRange.Hour or LiveRange.SixHours or LiveRange.Day && launchAt < now && now - launchAt < span)
        {
            span = now - launchAt;
        }
        var from = now - span;
        // Whole minutes (whole hours when hourly), so the first bar is not a sliver; never longer than MaxSpan.
        var hourly = span > PerMinuteLimit;
        var step = hourly ? TimeSpan.TicksPerHour : TimeSpan.TicksPerMinute;
        var start = from.UtcTicks - from.UtcTicks % step;
        if (now.UtcTicks - start > MaxSpan.Ticks)
        {
            start += step;
        }
        return (new DateTimeOffset(start, TimeSpan.Zero), hourly);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
