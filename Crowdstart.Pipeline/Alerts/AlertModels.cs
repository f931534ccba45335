namespace Crowdstart.Pipeline.Alerts;

/// <summary>Counts of one campaign in one 10-second bucket (event time, live events only), the detectors' input.</summary>
/// <param name="Start">Start of the bucket.</param>
/// <param name="Visits">page_view events.</param>
/// <param name="Checkouts">checkout_started events.</param>
/// <param name="CheckoutFailures">checkout_failed events.</param>
/// <param name="Pledges">pledge_completed events.</param>
/// <param name="VisitsBySource">page_view events per source.</param>
/// <param name="RewardViews">reward_view events.</param>
/// <param name="Carts">cart_created events.</param>
public sealed record BucketCounts(DateTimeOffset Start, int Visits, int Checkouts, int CheckoutFailures, int Pledges,
    IReadOnlyDictionary<string, int> VisitsBySource, int RewardViews = 0, int Carts = 0)
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
    public const string RewardToCartDrop = "reward_to_cart_drop";
    public const string CartToCheckoutDrop = "cart_to_checkout_drop";

    public static readonly IReadOnlyList<string> All =
        [CheckoutConversionDrop, VisitConversionDrop, TrafficDrop, TrafficSpike, RevenueStall, CheckoutFailureSpike, RewardToCartDrop, CartToCheckoutDrop];
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
    /// <summary>Minutes of the campaign's own history its baseline is taken from (ending where the test stretch starts).</summary>
    public int BaselineMinutes { get; init; } = 60;

    /// <summary>
    /// Memory of the sequential tests, in minutes: evidence older than this is forgotten, and the baseline ends where
    /// this stretch starts (or where an open alert's stretch started, so an ongoing incident never becomes normal).
    /// Funnel rates need minutes of outcomes; traffic changes show within a minute.
    /// </summary>
    public int ConversionMemoryMinutes { get; init; } = 20;
    public int TrafficMemoryMinutes { get; init; } = 3;

    /// <summary>
    /// How rarely each detector may alert on a steady campaign, in days: the sequential tests' thresholds follow from it
    /// (a CUSUM's average run to a false alarm is about e^h divided by the evidence a normal bucket carries against
    /// the designed change, so a busy campaign needs a higher threshold than a quiet one for the same false-alert rate).
    /// Large shifts cross any of these thresholds within a few buckets; small ones need volume.
    /// </summary>
    public double FalseAlertDays { get; init; } = 3;

    /// <summary>The change the tests are designed to find (0.4 = a 40 % drop, or a rise to 2× for failures and spikes).</summary>
    public double MinRelativeChange { get; init; } = 0.4;

    /// <summary>Minimum volume guards: an alert needs at least this much in its evidence (checkouts, visits, expected pledges).</summary>
    public int MinCheckouts { get; init; } = 8;
    public int MinVisits { get; init; } = 30;
    public double MinExpectedPledges { get; init; } = 4;

    /// <summary>
    /// Traffic is judged against the baseline's own spread, not a Poisson model (launch traffic comes in waves):
    /// a drop is towards this share of the baseline's 10th-percentile minute, a spike towards this multiple of its 90th.
    /// </summary>
    public double TrafficDropFactor { get; init; } = 0.3;
    public double TrafficSpikeFactor { get; init; } = 2.0;

    /// <summary>Consecutive anomalous evaluations (10 s apart) before an alert opens; the sequential tests accumulate evidence themselves.</summary>
    public int Persistence { get; init; } = 1;

    /// <summary>Minutes the metric must be back in range before an open alert resolves by itself.</summary>
    public int RecoveryMinutes { get; init; } = 3;

    /// <summary>Minutes after a resolution during which the same detector and scope do not open again.</summary>
    public int CooldownMinutes { get; init; } = 10;

    public static readonly DetectorSettings Default = new();

    /// <summary>Fewer, surer alerts: a campaign with noisy traffic.</summary>
    public static readonly DetectorSettings Calm = new() { FalseAlertDays = 30, MinRelativeChange = 0.5, Persistence = 2 };

    /// <summary>Earlier alerts, more false ones: a campaign where every minute of an outage costs a lot.</summary>
    public static readonly DetectorSettings Sensitive = new() { FalseAlertDays = 1.5, MinRelativeChange = 0.3 };

    /// <summary>Why these settings are unusable, or null when they are fine.</summary>
    public string? Validate() =>
        FalseAlertDays is < 1 or > 100_000 ? "FalseAlertDays must be 1 to 100,000 days" :
        MinRelativeChange is < 0.1 or > 0.9 ? "MinRelativeChange must be between 0.1 and 0.9" :
        MinCheckouts is < 3 or > 1000 || MinVisits is < 5 or > 100_000 || MinExpectedPledges is < 1 or > 10_000 ? "minimum volumes are out of range" :
        Persistence is < 1 or > 30 ? "Persistence must be 1 to 30 readings" :
        BaselineMinutes is < 20 or > 240 ? "BaselineMinutes must be 20 to 240" :
        ConversionMemoryMinutes is < 2 or > 60 || TrafficMemoryMinutes is < 1 or > 30 ? "memories are out of range" :
        RecoveryMinutes is < 1 or > 120 || CooldownMinutes is < 0 or > 1440 ? "recovery or cooldown is out of range" :
        TrafficDropFactor is <= 0 or >= 1 || TrafficSpikeFactor is <= 1 or > 100 ? "traffic factors are out of range" :
        null;

    /// <summary>The preset these settings equal: calm, normal or sensitive, else custom.</summary>
    /// <summary>
    /// The threshold (in nats) of a sequential test whose normal bucket carries <paramref name="nullInformation"/> nats of
    /// evidence against the designed change: ln(buckets between false alerts × that evidence), Siegmund's approximation.
    /// </summary>
    public double Threshold(double nullInformation) =>
        Math.Max(4, Math.Log(FalseAlertDays * BucketsPerDay * Math.Max(nullInformation, 1e-6)));

    private const double BucketsPerDay = 8640;

    public string Preset => this == Calm ? "calm" : this == Default ? "normal" : this == Sensitive ? "sensitive" : "custom";
}
