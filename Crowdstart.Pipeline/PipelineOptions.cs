namespace Crowdstart.Pipeline;

/// <summary>Limits and tuning of the ingest API (section <c>Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Largest request body accepted, in bytes.</summary>
    public int MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest number of events in one request.</summary>
    public int MaxEventsPerRequest { get; set; } = 1000;

    /// <summary>Largest number of keys in an event's <c>properties</c> object.</summary>
    public int MaxPropertyCount { get; set; } = 20;

    /// <summary>How far in the future <c>occurredAt</c> may be (client clock skew), in seconds.</summary>
    public int MaxFutureSkewSeconds { get; set; } = 300;

    /// <summary>
    /// How far in the past <c>occurredAt</c> may be: older events are a client's broken clock or a replay of
    /// something long gone, and would land outside every metric window and retention limit.
    /// </summary>
    public int MaxPastDays { get; set; } = 400;

    /// <summary>Most events written by one group-commit transaction.</summary>
    public int AppendBatchMaxEvents { get; set; } = 5000;

    /// <summary>Events allowed to wait for the appender before ingest answers 503.</summary>
    public int AppendQueueCapacityEvents { get; set; } = 50_000;

    /// <summary>Requests reading, parsing and validating their body at once (see <c>IngestAdmission</c>).</summary>
    public int MaxConcurrentRequests { get; set; } = 16;

    /// <summary>Requests allowed to wait for a turn before ingest answers 503 with <c>Retry-After</c>.</summary>
    public int MaxQueuedRequests { get; set; } = 64;

    /// <summary>How long a resolved ingest key is cached, in seconds.</summary>
    public int KeyCacheSeconds { get; set; } = 5;

    /// <summary>
    /// Wrong ingest keys one client address may present per <see cref="FailedKeyWindowSeconds"/>; past it the
    /// address gets 429 with <c>Retry-After</c> before any key is looked up (guessing keys, or a flood of them).
    /// </summary>
    public int FailedKeyAttemptsPerWindow { get; set; } = 20;

    /// <summary>The sliding window of <see cref="FailedKeyAttemptsPerWindow"/>, in seconds.</summary>
    public int FailedKeyWindowSeconds { get; set; } = 60;
}

/// <summary>Shape of the durable event log (section <c>Log</c>).</summary>
public sealed class LogOptions
{
    public const string SectionName = "Log";

    /// <summary>Number of customer-hash partitions. Fixed once the log exists.</summary>
    public int PartitionCount { get; set; } = 8;
}

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

/// <summary>Demo mode: seeded demo campaigns and a traffic generator (section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seeds the demo campaigns and drives traffic through the HTTP API.</summary>
    public bool Enabled { get; set; }

    /// <summary>New visitor sessions per second per campaign at the launch peak.</summary>
    public double VisitorsPerSecond { get; set; } = 6;

    /// <summary>Random seed; 0 picks a fresh one at every start.</summary>
    public int Seed { get; set; }
}
