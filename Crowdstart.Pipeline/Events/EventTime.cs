namespace Crowdstart.Pipeline.Events;

/// <summary>How event times are bucketed, the same way everywhere (aggregation, metrics, reads).</summary>
public static class EventTime
{
    /// <summary>The UTC minute <paramref name="at"/> falls in.</summary>
    public static DateTimeOffset MinuteOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
    }
}
