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

    public async Task<LogBacklog> BacklogAsync(NpgsqlConnection connection, int partition, LogPosition checkpoint, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT greatest(0, p.next_offset - 1 - @c), e.received_at
            FROM log_partitions p LEFT JOIN event_log e ON e.partition = p.partition AND e."offset" = @c + 1
            WHERE p.partition = @p
            """, connection);
        cmd.Parameters.AddWithValue("p", partition);
        cmd.Parameters.AddWithValue("c", checkpoint.Value);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new LogBacklog(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1))
            : new LogBacklog(0, null);
    }

    public void Reset(int partition)
    {
    }
}
