using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crowdstart.Pipeline.Storage;

/// <summary>
/// Daily range partitions of the time-series tables. Days are created ahead of time (a day cannot be carved
/// out of the default partition once rows for it landed there), and retention drops whole days, so expiring
/// data never rewrites or vacuums a table.
/// </summary>
public static class TimeSeriesPartitions
{
    /// <summary>The day-partitioned tables (<see cref="MetricTables"/>).</summary>
    public static IReadOnlyList<string> Tables { get; } = [.. MetricTables.DayPartitioned.Select(t => t.Name)];

    /// <summary>Makes sure day partitions exist from <paramref name="daysBack"/> before to <paramref name="daysAhead"/> after <paramref name="now"/>.</summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, DateTimeOffset now, int daysBack = 1, int daysAhead = 2,
        ILogger? logger = null, CancellationToken ct = default)
    {
        var today = now.UtcDateTime.Date;
        foreach (var table in Tables)
        {
            for (var d = -daysBack; d <= daysAhead; d++)
            {
                var day = today.AddDays(d);
                await using var cmd = dataSource.CreateCommand(
                    $"CREATE TABLE IF NOT EXISTS {table}_p{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)} PARTITION OF {table} " +
                    $"FOR VALUES FROM ('{Iso(day)}') TO ('{Iso(day.AddDays(1))}')");
                try
                {
                    await cmd.ExecuteNonQueryAsync(ct);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation)
                {
                    // Rows for that day already sit in the default partition; they stay there (still queried).
                    logger?.LogWarning("Day partition {Table} {Day} not created: the default partition holds rows for it (they stay there)",
                        table, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }
            }
        }
    }

    /// <summary>Drops day partitions that end at or before <paramref name="cutoff"/>; returns the dropped names.</summary>
    public static async Task<IReadOnlyList<string>> DropBeforeAsync(NpgsqlDataSource dataSource, DateTimeOffset cutoff, CancellationToken ct = default)
    {
        var dropped = new List<string>();
        foreach (var table in Tables)
        {
            await using var list = dataSource.CreateCommand(
                """
                SELECT c.oid::regclass::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = @t::regclass AND c.relname ~ '_p[0-9]{8}$'
                """);
            list.Parameters.AddWithValue("t", table);
            var names = new List<string>();
            await using (var reader = await list.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    names.Add(reader.GetString(0));
                }
            }
            foreach (var name in names)
            {
                var day = DateTime.ParseExact(name[^8..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                if (day.AddDays(1) <= cutoff.UtcDateTime)
                {
                    await using var drop = dataSource.CreateCommand($"DROP TABLE {name}");
                    await drop.ExecuteNonQueryAsync(ct);
                    dropped.Add(name);
                }
            }
        }
        return dropped;
    }

    private static string Iso(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";
}

