using Crowdstart.Pipeline.Events;
using Npgsql;

namespace Crowdstart.Pipeline.Log;

/// <summary>
/// The table log read back: events are already rows of <c>event_log</c> (the appender wrote them, duplicates
/// refused there), so storing is a no-op, and appends in any process wake the readers through LISTEN/NOTIFY.
/// </summary>
public sealed class PostgresLogReader(LogSignal? signal = null) : ILogReader
{
    public async Task<LogBatch> ReadAsync(NpgsqlConnection connection, int partition, LogPosition after, int limit, CancellationToken ct)
    {
        var events = await EventLogReader.ReadAsync(connection, partition, after.Value, limit, ct);
        return events.Count == 0 ? LogBatch.Empty(partition, after) : new LogBatch(partition, events, new LogPosition(events[^1].Offset));
    }

    public Task<IReadOnlyList<LoggedEvent>> StoreAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LogBatch batch, CancellationToken ct) =>
        Task.FromResult(batch.Events);

    public Task WaitAsync(int partition, TimeSpan timeout, CancellationToken ct) =>
        signal?.WaitAsync(partition, timeout, ct) ?? Task.Delay(timeout, ct);

    public void Reset(int partition)
    {
    }
}
