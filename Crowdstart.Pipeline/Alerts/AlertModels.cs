namespace Crowdstart.Pipeline.Alerts;

/// <summary>Counts of one campaign in one 10-second bucket (event time, live events only), the detectors' input.</summary>
/// <param name="Start">Start of the bucket.</param>
/// <param name="Visits">page_view events.</param>
/// <param name="Checkouts">checkout_started events.</param>
/// <param name="CheckoutFailures">checkout_failed events.</param>
/// <param name="Pledges">pledge_completed events.</param>
/// <param name="VisitsBySource">page_view events per source.</param>
public sealed record BucketCounts(DateTimeOffset Start, int Visits, int Checkouts, int CheckoutFailures, int Pledges,
    IReadOnlyDictionary<string, int> VisitsBySource)
{
    /// <summary>Width of a bucket (the pipeline's event-count grid).</summary>
    public static readonly TimeSpan Width = TimeSpan.FromSeconds(10);

    public static BucketCounts Empty(DateTimeOffset start) => new(start, 0, 0, 0, 0, new Dictionary<string, int>());
}

/// <summary>The detectors.</summary>
public static class DetectorKinds
{
    public const string CheckoutConversionDrop = "checkout_conversion_drop";
    public const string VisitConversionDrop = "visit_conversion_drop";
    public const string TrafficDrop = "traffic_drop";
    public const string TrafficSpike = "traffic_spike";
    public const string RevenueStall = "revenue_stall";
    public const string CheckoutFailureSpike = "checkout_failure_spike";

    public static readonly IReadOnlyList<string> All =
        [CheckoutConversionDrop, VisitConversionDrop, TrafficDrop, TrafficSpike, RevenueStall, CheckoutFailureSpike];
}

/// <summary>How bad an alert is.</summary>
public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>One detector's verdict at one moment.</summary>
/// <param name="Detector">Which detector (<see cref="DetectorKinds"/>).</param>
/// <param name="Scope">What it is about: "campaign", or e.g. "source:social:reddit".</param>
/// <param name="Anomalous">Whether the metric is out of its baseline now.</param>
/// <param name="Severity">How far out.</param>
/// <param name="Message">One sentence with the numbers, for people.</param>
/// <param name="Value">The observed value (rate or count per minute).</param>
/// <param name="BaselineLow">Lower end of the expected range.</param>
/// <param name="BaselineHigh">Upper end of the expected range.</param>
public sealed record Signal(string Detector, string Scope, bool Anomalous, AlertSeverity Severity, string Message, double Value,
    double BaselineLow, double BaselineHigh);

/// <summary>
/// Thresholds of the detectors; defaults suit a campaign page from a few visitors per minute upwards. Stored per
/// campaign (JSON) so a creator can make a noisy campaign calmer or a critical one more sensitive.
/// </summary>
public sealed record DetectorSettings
{
    /// <summary>Minutes of history the baseline is taken from (ending where the current window starts).</summary>
    public int BaselineMinutes { get; init; } = 60;

    /// <summary>Minutes the current value is measured over, per detector family.</summary>
    public int ConversionWindowMinutes { get; init; } = 5;
    public int TrafficWindowMinutes { get; init; } = 3;
    public int StallWindowMinutes { get; init; } = 10;

    /// <summary>
    /// One-sided p-value below which the current window is called anomalous. Evaluated every 10 s, so it must be
    /// small: 1e-4 with the persistence rule gives well under one false alert per day per detector.
    /// </summary>
    public double Significance { get; init; } = 1e-5;

    /// <summary>Smallest relative change worth an alert (0.4 = 40 % drop, or a rise to 1.4× for the reverse).</summary>
    public double MinRelativeChange { get; init; } = 0.4;

    /// <summary>Minimum volume guards: fewer trials in the window than this and the detector stays silent.</summary>
    public int MinCheckouts { get; init; } = 8;
    public int MinVisits { get; init; } = 30;
    public double MinExpectedPledges { get; init; } = 4;

    /// <summary>
    /// Traffic is judged against the baseline's own spread, not a Poisson model (launch traffic comes in waves):
    /// a drop is below this share of the baseline's 10th-percentile minute, a spike above this multiple of its 90th.
    /// </summary>
    public double TrafficDropFactor { get; init; } = 0.5;
    public double TrafficSpikeFactor { get; init; } = 2.0;

    /// <summary>Consecutive anomalous evaluations (10 s apart) before an alert opens.</summary>
    public int Persistence { get; init; } = 2;

    /// <summary>Minutes the metric must be back in range before an open alert resolves by itself.</summary>
    public int RecoveryMinutes { get; init; } = 3;

    /// <summary>Minutes after a resolution during which the same detector and scope do not open again.</summary>
    public int CooldownMinutes { get; init; } = 10;

    public static readonly DetectorSettings Default = new();

    /// <summary>Fewer, surer alerts: a campaign with noisy traffic.</summary>
    public static readonly DetectorSettings Calm = new() { Significance = 1e-7, MinRelativeChange = 0.5, Persistence = 3 };

    /// <summary>Earlier alerts, more false ones: a campaign where every minute of an outage costs a lot.</summary>
    public static readonly DetectorSettings Sensitive = new() { Significance = 1e-4, MinRelativeChange = 0.3, Persistence = 2 };

    /// <summary>Why these settings are unusable, or null when they are fine.</summary>
    public string? Validate() =>
        Significance is <= 0 or > 0.01 ? "Significance must be more than 0 and at most 0.01" :
        MinRelativeChange is < 0.1 or > 0.9 ? "MinRelativeChange must be between 0.1 and 0.9" :
        MinCheckouts is < 3 or > 1000 || MinVisits is < 5 or > 100_000 || MinExpectedPledges is < 1 or > 10_000 ? "minimum volumes are out of range" :
        Persistence is < 1 or > 30 ? "Persistence must be 1 to 30 readings" :
        BaselineMinutes is < 20 or > 240 ? "BaselineMinutes must be 20 to 240" :
        ConversionWindowMinutes is < 1 or > 30 || TrafficWindowMinutes is < 1 or > 30 || StallWindowMinutes is < 1 or > 60 ? "windows are out of range" :
        RecoveryMinutes is < 1 or > 120 || CooldownMinutes is < 0 or > 1440 ? "recovery or cooldown is out of range" :
        TrafficDropFactor is <= 0 or >= 1 || TrafficSpikeFactor is <= 1 or > 100 ? "traffic factors are out of range" :
        null;

    /// <summary>The preset these settings equal: calm, normal or sensitive, else custom.</summary>
    public string Preset => this == Calm ? "calm" : this == Default ? "normal" : this == Sensitive ? "sensitive" : "custom";
}
