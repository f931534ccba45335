namespace Crowdstart.Pipeline.Privacy;

/// <summary>
/// Default retention limits (section <c>Retention</c>); an organisation may set its own. Raw events and
/// customer-level data (the pseudonymous ids that tie events to one person) expire separately from aggregates.
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Days raw events stay in the log after they occurred.</summary>
    public int RawEventDays { get; set; } = 365;

    /// <summary>Days customer and session ids stay attached to raw events; after that they are erased.</summary>
    public int CustomerDataDays { get; set; } = 90;

    /// <summary>Days time-series aggregates are kept; campaign-lifetime totals go this long after the campaign ends.</summary>
    public int AggregateDays { get; set; } = 730;

    /// <summary>How often the retention job runs, in minutes.</summary>
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>Rows deleted or rewritten per statement, so a sweep never holds long locks.</summary>
    public int BatchSize { get; set; } = 5000;
}
