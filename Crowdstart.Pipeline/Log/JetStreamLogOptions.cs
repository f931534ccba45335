namespace Crowdstart.Pipeline.Log;

/// <summary>The JetStream stream that is the log (section <c>Log:JetStream</c>).</summary>
public sealed class JetStreamLogOptions
{
    /// <summary>NATS servers, comma-separated (<c>nats://127.0.0.1:4222,nats://127.0.0.1:4223</c>); the client fails over between them.</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>Stream name; its subjects are <c>&lt;Subject&gt;.&lt;partition&gt;</c>.</summary>
    public string Stream { get; set; } = "CROWDSTART_EVENTS";

    /// <summary>Subject prefix of the stream: partition p is <c>&lt;Subject&gt;.p</c>.</summary>
    public string Subject { get; set; } = "crowdstart.events";

    /// <summary>Copies of every message: 1 on one server, 3 on a cluster (a publish is acknowledged once a majority has it).</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// How long the stream keeps a message, in hours (1–24). Processing copies each event into PostgreSQL within
    /// seconds; the stream only needs to outlive an outage of the processors. At most a day: the shortest retention an
    /// organisation may choose for customer-level data is one day, and pseudonymous customer ids live in the broker
    /// for this long, out of reach of erasure.
    /// </summary>
    public int MaxAgeHours { get; set; } = 24;

    /// <summary>JetStream's duplicate window, in seconds: a message id seen within it is stored once.</summary>
    public int DuplicateWindowSeconds { get; set; } = 120;

    /// <summary>Most events in one message: a request's events are grouped per partition into messages of at most this many.</summary>
    public int MaxEventsPerMessage { get; set; } = 500;

    /// <summary>How long ingest waits for JetStream's acknowledgement of a publish before answering 503, in seconds.</summary>
    public int PublishTimeoutSeconds { get; set; } = 10;
}
