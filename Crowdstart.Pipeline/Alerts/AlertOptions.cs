namespace Crowdstart.Pipeline.Alerts;

/// <summary>Alert monitor and webhook delivery settings (section <c>Alerts</c>).</summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    /// <summary>Runs the monitor and the webhook dispatcher in this process.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often every active campaign is evaluated (the 10-second buckets make shorter pointless), just after each bucket is complete.</summary>
    public int EvaluationIntervalSeconds { get; set; } = 10;

    /// <summary>
    /// How long after they happen events reach the API (clients batch: the demo sends every second). A bucket is judged
    /// once it ended this long ago and the pipeline has processed everything received until then (its watermark);
    /// evaluations run just after that moment, so detection waits for the data, not for a fixed grace period.
    /// </summary>
    public int LatenessSeconds { get; set; } = 2;

    /// <summary>
    /// Seconds after start-up before the first evaluation: clients re-send what they buffered while the app was down
    /// (the demo replays the gap), and until that has arrived the missing minutes would read as a collapse.
    /// </summary>
    public int WarmupSeconds { get; set; } = 90;

    /// <summary>Delivery attempts per webhook event before it is marked failed.</summary>
    public int WebhookMaxAttempts { get; set; } = 6;

    /// <summary>Wait before the first retry; each further retry waits three times longer (5 s, 15 s, 45 s, …).</summary>
    public int WebhookInitialBackoffSeconds { get; set; } = 5;

    /// <summary>How long one delivery attempt may take.</summary>
    public int WebhookTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Lets webhooks target loopback and private addresses. Off by default: a creator-supplied URL must not turn
    /// the server into a probe of its own network (SSRF).
    /// </summary>
    public bool AllowPrivateWebhookTargets { get; set; }

    /// <summary>
    /// The dashboard's address as creators reach it (e.g. <c>https://analytics.example.com</c>), for the campaign links
    /// in chat messages. Unset: the first address in <c>Urls</c> unless it is a wildcard; with neither, messages carry no
    /// link.
    /// </summary>
    public string? PublicUrl { get; set; }
}
