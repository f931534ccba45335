using Crowdstart.Pipeline.Events;

namespace Crowdstart.Pipeline.Log;

/// <summary>
/// The write side of the durable log: append a group of events. One implementation per <see cref="LogEngine"/>:
/// <see cref="EventAppender"/> (group commit into <c>event_log</c>) and <see cref="JetStream.JetStreamEventLog"/>.
/// </summary>
public interface IEventLog
{
    /// <summary>
    /// Whether <paramref name="events"/> more would be taken now. Ingest asks before reading a body, so a saturated
    /// log costs a refused request nothing.
    /// </summary>
    bool HasRoomFor(int events);

    /// <summary>
    /// Appends durably: the task completes only once every event is as durable as the engine makes it (committed,
    /// or acknowledged by the stream's replicas). Throws <see cref="LogUnavailableException"/> when the log cannot
    /// take them now and <see cref="LogRejectedException"/> when it refuses them as data.
    /// </summary>
    Task<AppendResult> AppendAsync(IReadOnlyList<EventRecord> events, CancellationToken ct = default);
}
