using Npgsql;
using NpgsqlTypes;

/// <summary>
/// Binary COPY of raw events into the table log, for benchmarks that load millions of rows without the API. The
/// writers bypass the app's appender, so they hand out offsets from the partitions' counters and store the counters
/// afterwards: the log stays consistent for the pipeline.
/// </summary>
internal static class EventLogCopy
{
    /// <summary>Starts a COPY into <paramref name="table"/> (event_log, or a copy of it with the same columns).</summary>
    public static Task<NpgsqlBinaryImporter> BeginAsync(NpgsqlConnection connection, string table = "event_log") =>
        connection.BeginBinaryImportAsync(
            $"COPY {table} (partition, \"offset\", event_id, campaign_id, customer_id, session_id, type, occurred_at, received_at, source, amount, currency, properties) FROM STDIN (FORMAT BINARY)");

    /// <summary>Writes one event row; <paramref name="amount"/> and <paramref name="currency"/> go together or not at all.</summary>
    public static async Task WriteAsync(NpgsqlBinaryImporter importer, int partition, long offset, Guid campaign, string customer, string session,
        string type, DateTimeOffset at, string source, decimal? amount, string? currency, string propertiesJson)
    {
        await importer.StartRowAsync();
        await importer.WriteAsync(partition, NpgsqlDbType.Integer);
        await importer.WriteAsync(offset, NpgsqlDbType.Bigint);
        await importer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
        await importer.WriteAsync(campaign, NpgsqlDbType.Uuid);
        await importer.WriteAsync(customer, NpgsqlDbType.Text);
        await importer.WriteAsync(session, NpgsqlDbType.Text);
        await importer.WriteAsync(type, NpgsqlDbType.Text);
        await importer.WriteAsync(at, NpgsqlDbType.TimestampTz);
        await importer.WriteAsync(at, NpgsqlDbType.TimestampTz);
        await importer.WriteAsync(source, NpgsqlDbType.Text);
        if (amount is { } value)
        {
            await importer.WriteAsync(value, NpgsqlDbType.Numeric);
            await importer.WriteAsync(currency!, NpgsqlDbType.Char);
        }
        else
        {
            await importer.WriteNullAsync();
            await importer.WriteNullAsync();
        }
        await importer.WriteAsync(propertiesJson, NpgsqlDbType.Jsonb);
    }

    /// <summary>The next offset of each partition that exists (the array is as long as the partitions).</summary>
    public static async Task<long[]> NextOffsetsAsync(NpgsqlDataSource dataSource)
    {
        var next = new List<(int Partition, long Next)>();
        await using var cmd = dataSource.CreateCommand("SELECT partition, next_offset FROM log_partitions ORDER BY partition");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            next.Add((r.GetInt32(0), r.GetInt64(1)));
        }
        var offsets = new long[next.Count];
        foreach (var (partition, value) in next)
        {
            offsets[partition] = value;
        }
        return offsets;
    }

    /// <summary>Stores the counters after the copied rows, so the app's appender continues after them.</summary>
    public static async Task SaveNextOffsetsAsync(NpgsqlDataSource dataSource, long[] next)
    {
        await using var fix = dataSource.CreateCommand("UPDATE log_partitions SET next_offset = v.n FROM unnest(@p, @n) v(p, n) WHERE partition = v.p");
        fix.Parameters.AddWithValue("p", Enumerable.Range(0, next.Length).ToArray());
        fix.Parameters.AddWithValue("n", next);
        await fix.ExecuteNonQueryAsync();
    }
}
