using Crowdstart.Pipeline.Events;
using System.Globalization;
using System.Text;
using Crowdstart.Pipeline.Metrics;
using Npgsql;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// Independent recomputation of every per-customer metric from the raw log, in plain SQL written from the
/// definitions in docs/metrics.md (it shares no code with the streaming path), next to the stored results
/// summed over log partitions. Each method returns (expected, stored) as sorted rows of text for comparison.
/// </summary>
public static class MetricsOracle
{
    private static string Interval(TimeSpan span) => $"interval '{span.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds'";

    /// <summary>
    /// Visitors and pledgers per 10-second point: a customer is a visitor of the window when they viewed the page or
    /// pledged in it, a pledger when they pledged in it (live events only).
    /// </summary>
    public static async Task<(List<string> Expected, List<string> Stored)> WindowsAsync(NpgsqlDataSource db, Guid campaign, int window, TimeSpan lateness) => (
        await RowsAsync(db, $"""
            WITH live AS (
                SELECT customer_id, type, occurred_at FROM event_log
                WHERE campaign_id = @c AND type IN ('page_view', 'pledge_completed') AND received_at - occurred_at <= {Interval(lateness)}),
            grid AS (
                SELECT generate_series(date_bin('10 seconds', min(occurred_at), timestamptz 'epoch'),
                                       max(occurred_at) + interval '{window} seconds', interval '10 seconds') AS point FROM live)
            SELECT g.point, count(DISTINCT l.customer_id) FILTER (WHERE l.type IN ('page_view', 'pledge_completed')),
                   count(DISTINCT l.customer_id) FILTER (WHERE l.type = 'pledge_completed')
            FROM grid g JOIN live l ON l.occurred_at >= g.point - interval '{window} seconds' AND l.occurred_at < g.point
            GROUP BY g.point ORDER BY g.point
            """, campaign),
        await RowsAsync(db, $"""
            SELECT point, sum(visitors), sum(pledgers) FROM metric_window_points WHERE campaign_id = @c AND window_seconds = {window}
            GROUP BY point HAVING sum(visitors) <> 0 OR sum(pledgers) <> 0 ORDER BY point
            """, campaign));

    public static async Task<(List<string> Expected, List<string> Stored)> FunnelAsync(NpgsqlDataSource db, Guid campaign, FunnelDefinition funnel)
    {
        var sql = new StringBuilder("WITH ");
        sql.Append($"s1 AS (SELECT customer_id, occurred_at AS t FROM event_log WHERE campaign_id = @c AND type = '{funnel.Steps[0].Type}')");
        for (var k = 2; k <= funnel.Steps.Count; k++)
        {
            var step = funnel.Steps[k - 1];
            sql.Append($",\n s{k} AS (SELECT DISTINCT e.customer_id, e.occurred_at AS t FROM event_log e JOIN s{k - 1} p ON p.customer_id = e.customer_id" +
                $" WHERE e.campaign_id = @c AND e.type = '{step.Type}' AND e.occurred_at >= p.t" +
                $" AND e.occurred_at <= p.t + interval '{step.WithinSeconds} seconds')");
        }
        sql.Append($",\n first_source AS (SELECT DISTINCT ON (customer_id) customer_id, source FROM event_log" +
            $" WHERE campaign_id = @c AND type = '{funnel.Steps[0].Type}' ORDER BY customer_id, occurred_at, \"offset\")");
        sql.Append($",\n reached AS ({string.Join(" UNION ", Enumerable.Range(1, funnel.Steps.Count).Select(k => $"SELECT DISTINCT {k} AS step, customer_id FROM s{k}"))})");
        sql.Append("\n SELECT f.source, r.step, count(*) FROM reached r JOIN first_source f USING (customer_id) GROUP BY 1, 2 ORDER BY 1, 2");
        return (await RowsAsync(db, sql.ToString(), campaign),
            await RowsAsync(db, "SELECT source, step, sum(customers) FROM metric_funnel_steps WHERE campaign_id = @c GROUP BY 1, 2 HAVING sum(customers) <> 0 ORDER BY 1, 2", campaign));
    }

    private const string CohortBase = """
        WITH v AS (SELECT customer_id, occurred_at, "offset", session_id, source FROM event_log WHERE campaign_id = @c AND type = 'page_view'),
        first AS (SELECT DISTINCT ON (customer_id) * FROM v ORDER BY customer_id, occurred_at, "offset"),
        back AS (SELECT f.customer_id, min(v.occurred_at) AS t FROM first f JOIN v USING (customer_id)
                 WHERE v.session_id <> f.session_id AND v.occurred_at > f.occurred_at AND v.occurred_at < f.occurred_at + interval '24 hours'
                 GROUP BY f.customer_id)
        """;

    public static async Task<(List<string> Expected, List<string> Stored)> CohortsAsync(NpgsqlDataSource db, Guid campaign) => (
        await RowsAsync(db, CohortBase + """
            SELECT date_trunc('hour', f.occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', f.source, count(*), count(b.t)
            FROM first f LEFT JOIN back b USING (customer_id) GROUP BY 1, 2 ORDER BY 1, 2
            """, campaign),
        await RowsAsync(db, """
            SELECT cohort_hour, source, sum(customers), sum(returned) FROM metric_cohorts WHERE campaign_id = @c
            GROUP BY 1, 2 HAVING sum(customers) <> 0 ORDER BY 1, 2
            """, campaign));

    public static async Task<(List<string> Expected, List<string> Stored)> CohortReturnsAsync(NpgsqlDataSource db, Guid campaign) => (
        await RowsAsync(db, CohortBase + """
            SELECT date_trunc('hour', f.occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', f.source,
                   floor(extract(epoch FROM b.t - f.occurred_at) / 3600)::int, count(*)
            FROM first f JOIN back b USING (customer_id) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """, campaign),
        await RowsAsync(db, """
            SELECT cohort_hour, source, hours_since, sum(customers) FROM metric_cohort_returns WHERE campaign_id = @c
            GROUP BY 1, 2, 3 HAVING sum(customers) <> 0 ORDER BY 1, 2, 3
            """, campaign));

    private static string CartBase(TimeSpan window) => $"""
        WITH first_cart AS (SELECT DISTINCT ON (customer_id) customer_id, occurred_at AS c FROM event_log
                            WHERE campaign_id = @c AND type = 'cart_created' ORDER BY customer_id, occurred_at, "offset"),
        outcome AS (SELECT fc.customer_id, fc.c,
                           (SELECT min(e.occurred_at) FROM event_log e WHERE e.campaign_id = @c AND e.customer_id = fc.customer_id
                              AND e.type = 'pledge_completed' AND e.occurred_at >= fc.c) AS p
                    FROM first_cart fc),
        done AS (SELECT *, p IS NOT NULL AND p - c <= {Interval(window)} AS completed FROM outcome)
        """;

    public static async Task<(List<string> Expected, List<string> Stored)> CartsAsync(NpgsqlDataSource db, Guid campaign, TimeSpan window) => (
        await RowsAsync(db, CartBase(window) + """
            SELECT date_trunc('minute', c AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), count(*) FILTER (WHERE completed)
            FROM done GROUP BY 1 ORDER BY 1
            """, campaign),
        await RowsAsync(db, """
            SELECT minute, sum(carts), sum(completed) FROM metric_cart_minutes WHERE campaign_id = @c
            GROUP BY 1 HAVING sum(carts) <> 0 ORDER BY 1
            """, campaign));

    public static async Task<(List<string> Expected, List<string> Stored)> CartCompletionAsync(NpgsqlDataSource db, Guid campaign, TimeSpan window) => (
        await RowsAsync(db, CartBase(window) + """
            SELECT floor(extract(epoch FROM p - c))::int, count(*) FROM done WHERE completed GROUP BY 1 ORDER BY 1
            """, campaign),
        await RowsAsync(db, """
            SELECT seconds, sum(carts) FROM metric_cart_completion WHERE campaign_id = @c GROUP BY 1 HAVING sum(carts) <> 0 ORDER BY 1
            """, campaign));

    /// <summary>p50/p90/p99 of completion seconds with percentile_disc (nearest rank).</summary>
    public static async Task<List<string>> CartPercentilesAsync(NpgsqlDataSource db, Guid campaign, TimeSpan window) =>
        await RowsAsync(db, CartBase(window) + """
            SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY floor(extract(epoch FROM p - c))::int),
                   percentile_disc(0.9) WITHIN GROUP (ORDER BY floor(extract(epoch FROM p - c))::int),
                   percentile_disc(0.99) WITHIN GROUP (ORDER BY floor(extract(epoch FROM p - c))::int)
            FROM done WHERE completed
            """, campaign);

    public static async Task<(List<string> Expected, List<string> Stored)> EventCountsAsync(NpgsqlDataSource db, Guid campaign, TimeSpan lateness) => (
        await RowsAsync(db, $"""
            SELECT date_bin('10 seconds', occurred_at, timestamptz 'epoch'), type, source, count(*) FROM event_log
            WHERE campaign_id = @c AND received_at - occurred_at <= {Interval(lateness)} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """, campaign),
        await RowsAsync(db, """
            SELECT bucket, type, source, sum(events) FROM metric_event_counts WHERE campaign_id = @c
            GROUP BY 1, 2, 3 HAVING sum(events) <> 0 ORDER BY 1, 2, 3
            """, campaign));

    public static async Task<(List<string> Expected, List<string> Stored)> LateEventsAsync(NpgsqlDataSource db, Guid campaign, TimeSpan lateness) => (
        await RowsAsync(db, $"SELECT count(*) FROM event_log WHERE campaign_id = @c AND received_at - occurred_at > {Interval(lateness)}", campaign),
        await RowsAsync(db, "SELECT coalesce(sum(late_events), 0) FROM campaign_partition_totals WHERE campaign_id = @c", campaign));

    /// <summary>Non-late events of a type with <paramref name="from"/> ≤ occurredAt &lt; <paramref name="to"/>.</summary>
    public static async Task<long> CountAsync(NpgsqlDataSource db, Guid campaign, string type, DateTimeOffset from, DateTimeOffset to, TimeSpan lateness)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT count(*) FROM event_log WHERE campaign_id = @c AND type = @t AND occurred_at >= @from AND occurred_at < @to
              AND received_at - occurred_at <= {Interval(lateness)}
            """);
        cmd.Parameters.AddWithValue("c", campaign);
        cmd.Parameters.AddWithValue("t", type);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Net pledged (pledges − refunds, late events included) with <paramref name="from"/> ≤ occurredAt &lt; <paramref name="to"/>.</summary>
    public static async Task<decimal> NetAsync(NpgsqlDataSource db, Guid campaign, DateTimeOffset from, DateTimeOffset to)
    {
        await using var cmd = db.CreateCommand("""
            SELECT coalesce(sum(CASE type WHEN 'pledge_completed' THEN amount WHEN 'pledge_refunded' THEN -amount ELSE 0 END), 0)
            FROM event_log WHERE campaign_id = @c AND occurred_at >= @from AND occurred_at < @to
            """);
        cmd.Parameters.AddWithValue("c", campaign);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Net pledged over the first <paramref name="age"/> after the campaign's launch minute, from raw events and the campaign
    /// row alone (the same-age comparison's definition, docs/metrics.md "Comparisons").
    /// </summary>
    public static async Task<decimal> NetSinceLaunchAsync(NpgsqlDataSource db, Guid campaign, TimeSpan age)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT coalesce(sum(CASE e.type WHEN 'pledge_completed' THEN e.amount WHEN 'pledge_refunded' THEN -e.amount ELSE 0 END), 0)
            FROM event_log e JOIN campaigns c ON c.id = e.campaign_id
            WHERE e.campaign_id = @c AND e.occurred_at >= date_trunc('minute', c.launch_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
              AND e.occurred_at < (date_trunc('minute', c.launch_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') + {Interval(age)}
            """);
        cmd.Parameters.AddWithValue("c", campaign);
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Non-late page views whose source matches the SQL <paramref name="sourceLike"/> pattern, with from ≤ occurredAt &lt; to.</summary>
    public static async Task<long> PageViewsAsync(NpgsqlDataSource db, Guid campaign, string sourceLike, DateTimeOffset from, DateTimeOffset to, TimeSpan lateness)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT count(*) FROM event_log WHERE campaign_id = @c AND type = 'page_view' AND source LIKE @s
              AND occurred_at >= @from AND occurred_at < @to AND received_at - occurred_at <= {Interval(lateness)}
            """);
        cmd.Parameters.AddWithValue("c", campaign);
        cmd.Parameters.AddWithValue("s", sourceLike);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> RowsAsync(NpgsqlDataSource db, string sql, Guid campaign)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("c", campaign);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await r.ReadAsync())
        {
            var values = new string[r.FieldCount];
            for (var i = 0; i < r.FieldCount; i++)
            {
                values[i] = r.IsDBNull(i) ? "null" : r.GetValue(i) switch
                {
                    DateTime dt => dt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                    DateTimeOffset dto => dto.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var v => v.ToString()!,
                };
            }
            rows.Add(string.Join(" | ", values));
        }
        return rows;
    }
}
