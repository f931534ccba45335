namespace Crowdstart.Pipeline.Ingestion;

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

    /// <summary>
    /// How often "last event received" per key and the rejected events are written to the database, in seconds:
    /// ingest requests only note them in memory.
    /// </summary>
    public int ActivityFlushSeconds { get; set; } = 2;

    /// <summary>Rejected events kept per campaign (with their reasons, never their values) for the ingest keys page.</summary>
    public int RejectedEventsPerCampaign { get; set; } = 50;
}
