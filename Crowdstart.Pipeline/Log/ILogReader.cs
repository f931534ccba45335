using Crowdstart.Pipeline.Events;
using Npgsql;

namespace Crowdstart.Pipeline.Log;

/// <summary>
/// The read side of the durable log for the partition processors: read a partition from a position, make the raw
/// events part of PostgreSQL's <c>event_log</c> in the processor's transaction, and wait for more. The processors'
/// per-customer metrics re-read a customer's history from <c>event_log</c>, so a batch's events must be there, in
/// the same transaction as the metrics and the checkpoint, before they are counted.
/// </summary>
public interface ILogReader
{
    /// <summary>Reads up to about <paramref name="limit"/> events of <paramref name="partition"/> after <paramref name="after"/>.</summary>
    Task<LogBatch> ReadAsync(NpgsqlConnection connection, int partition, LogPosition after, int limit, CancellationToken ct);

    /// <summary>
    /// Makes the batch's events rows of <c>event_log</c> within <paramref name="tx"/> and returns those that were not
    /// there yet: the events to count. An event sent again (same campaign and eventId) is counted once, however late.
    /// </summary>
    Task<IReadOnlyList<LoggedEvent>> StoreAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LogBatch batch, CancellationToken ct);

    /// <summary>Waits until <paramref name="partition"/> may have new events, or <paramref name="timeout"/> passes.</summary>
    Task WaitAsync(int partition, TimeSpan timeout, CancellationToken ct);

    /// <summary>What <paramref name="partition"/> holds after <paramref name="checkpoint"/>, for the lag gauges and readiness.</summary>
    Task<LogBacklog> BacklogAsync(NpgsqlConnection connection, int partition, LogPosition checkpoint, CancellationToken ct);

    /// <summary>Forgets what was read ahead of the checkpoint (after a failed batch), so the next read starts from it.</summary>
    void Reset(int partition);
}
