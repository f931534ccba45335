using Crowdstart.Pipeline.Events;
using Npgsql;

namespace Crowdstart.Pipeline.Log;

/// <summary>Reads one partition of the log in offset order.</summary>
public static class EventLogReader
{
    private const string Columns =
        "partition, \"offset\", event_id, campaign_id, customer_id, session_id, type, occurred_at, received_at, source, amount, currency, properties::text";

    /// <summary>Reads up to <paramref name="limit"/> events of <paramref name="partition"/> after <paramref name="afterOffset"/>.</summary>
    public static async Task<List<LoggedEvent>> ReadAsync(
        NpgsqlConnection connection, int partition, long afterOffset, int limit, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT {Columns} FROM event_log WHERE partition = @p AND \"offset\" > @o ORDER BY \"offset\" LIMIT @n",
            connection, tx);
        cmd.Parameters.AddWithValue("p", partition);
        cmd.Parameters.AddWithValue("o", afterOffset);
        cmd.Parameters.AddWithValue("n", limit);
        var result = new List<LoggedEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new LoggedEvent(
                reader.GetInt32(0),
                reader.GetInt64(1),
                reader.GetFieldValue<DateTimeOffset>(8),
                new EventRecord(
                    reader.GetGuid(2),
                    reader.GetString(6),
                    reader.GetGuid(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetFieldValue<DateTimeOffset>(7),
                    reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetDecimal(10),
                    reader.IsDBNull(11) ? null : reader.GetString(11).Trim(),
                    reader.IsDBNull(12) ? null : reader.GetString(12))));
        }
        return result;
    }
}
