namespace Crowdstart.Pipeline.Log;

/// <summary>Which durable log holds the events, and its shape (section <c>Log</c>).</summary>
public sealed class LogOptions
{
    public const string SectionName = "Log";

    /// <summary>Number of customer-hash partitions. Fixed once the log exists.</summary>
    public int PartitionCount { get; set; } = 8;

    /// <summary>
    /// <see cref="LogEngine.Postgres"/> (the <c>event_log</c> table; nothing else to run) or
    /// <see cref="LogEngine.JetStream"/> (a NATS JetStream stream; see <see cref="JetStream"/>). Fixed once the log
    /// holds events: the app refuses to start on a database whose log was written by the other engine.
    /// </summary>
    public LogEngine Engine { get; set; } = LogEngine.Postgres;

    /// <summary>The JetStream stream, used when <see cref="Engine"/> is <see cref="LogEngine.JetStream"/>.</summary>
    public JetStreamLogOptions JetStream { get; set; } = new();

    /// <summary>
    /// How long the log keeps an event whether or not it was processed: JetStream's max age; none for the table
    /// (only retention, which spares what is not processed yet, deletes from it).
    /// </summary>
    public TimeSpan? KeepsUnprocessedFor() => Engine == LogEngine.JetStream ? TimeSpan.FromHours(JetStream.MaxAgeHours) : null;
}

/// <summary>The two implementations of the durable log.</summary>
public enum LogEngine
{
    /// <summary>The <c>event_log</c> table of the app's PostgreSQL database.</summary>
    Postgres,

    /// <summary>A replicated NATS JetStream stream, one subject per partition; raw events reach PostgreSQL as they are processed.</summary>
    JetStream,
}
