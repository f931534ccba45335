namespace Crowdstart.Pipeline.Processing;

/// <summary>Stream processing settings (section <c>Processing</c>).</summary>
public sealed class ProcessingOptions
{
    public const string SectionName = "Processing";

    /// <summary>Runs the partition consumers in this process.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most events one partition consumer folds into one transaction.</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>Polling fallback when no LISTEN/NOTIFY wake-up arrives.</summary>
    public int PollIntervalMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Least time between the starts of two batches of one partition while it is caught up. A batch costs about
    /// the same whatever its size (each touched window point is upserted once), so letting events gather for a
    /// moment under live traffic saves most of the work at the price of that much freshness.
    /// </summary>
    public int MinBatchIntervalMilliseconds { get; set; } = 200;

    /// <summary>Least time between two change notifications delivered to one subscriber.</summary>
    public int NotifyThrottleMilliseconds { get; set; } = 250;
}
