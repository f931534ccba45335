using Npgsql;

namespace Crowdstart.Pipeline.Metrics;

/// <summary>Applies a batch's <see cref="MetricDeltas"/> to the metric tables (rows are per log partition).</summary>
internal static class MetricWriter
{
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition, MetricDeltas d, CancellationToken ct)
    {
        var windows = d.Windows.Where(x => x.Value != (0, 0)).ToArray();
        if (windows.Length > 0)
        {
            await ExecuteAsync(connection, tx, partition,
                """
                INSERT INTO metric_window_points AS t (campaign_id, window_seconds, point, partition, visitors, pledgers)
                SELECT v.c, v.w, v.pt, @p, v.v, v.pl FROM unnest(@c, @w, @pt, @v, @pl) AS v(c, w, pt, v, pl)
                ON CONFLICT (campaign_id, window_seconds, point, partition) DO UPDATE
                SET visitors = t.visitors + excluded.visitors, pledgers = t.pledgers + excluded.pledgers
                """, ct,
                ("c", windows.Select(x => x.Key.Campaign).ToArray()),
                ("w", windows.Select(x => x.Key.Window).ToArray()),
                ("pt", windows.Select(x => new DateTimeOffset(x.Key.Point, TimeSpan.Zero)).ToArray()),
                ("v", windows.Select(x => x.Value.Visitors).ToArray()),
                ("pl", windows.Select(x => x.Value.Pledgers).ToArray()));
        }

        var funnel = d.Funnel.Where(x => x.Value != 0).ToArray();
        if (funnel.Length > 0)
        {
            await ExecuteAsync(connection, tx, partition,
                """
                INSERT INTO metric_funnel_steps AS t (campaign_id, source, step, partition, customers)
                SELECT v.c, v.s, v.k, @p, v.n FROM unnest(@c, @s, @k, @n) AS v(c, s, k, n)
                ON CONFLICT (campaign_id, source, step, partition) DO UPDATE SET customers = t.customers + excluded.customers
                """, ct,
                ("c", funnel.Select(x => x.Key.Campaign).ToArray()),
                ("s", funnel.Select(x => x.Key.Source).ToArray()),
                ("k", funnel.Select(x => x.Key.Step).ToArray()),
                ("n", funnel.Select(x => x.Value).ToArray()));
        }

        var cohorts = d.Cohorts.Where(x => x.Value != (0, 0)).ToArray();
        if (cohorts.Length > 0)
        {
            await ExecuteAsync(connection, tx, partition,
                """
                INSERT INTO metric_cohorts AS t (campaign_id, cohort_hour, source, partition, customers, returned)
                SELECT v.c, v.h, v.s, @p, v.n, v.r FROM unnest(@c, @h, @s, @n, @r) AS v(c, h, s, n, r)
                ON CONFLICT (campaign_id, cohort_hour, source, partition) DO UPDATE
                SET customers = t.customers + excluded.customers, returned = t.returned + excluded.returned
                """, ct,
                ("c", cohorts.Select(x => x.Key.Campaign).ToArray()),
                ("h", cohorts.Select(x => x.Key.Hour).ToArray()),
                ("s", cohorts.Select(x => x.Key.Source).ToArray()),
                ("n", cohorts.Select(x => x.Value.Customers).ToArray()),
                ("r", cohorts.Select(x => x.Value.Returned).ToArray()));
        }

        var returns = d.CohortReturns.Where(x => x.Value != 0).ToArray();
        if (returns.Length > 0)
        {
            await ExecuteAsync(connection, tx, partition,
                """
                INSERT INTO metric_cohort_returns AS t (campaign_id, cohort_hour, source, hours_since, partition, customers)
                SELECT v.c, v.h, v.s, v.k, @p, v.n FROM unnest(@c, @h, @s, @k, @n) AS v(c, h, s, k, n)
                ON CONFLICT (campaign_id, cohort_hour, source, hours_since, partition) DO UPDATE SET customers = t.customers + excluded.customers
                """, ct,
                ("c", returns.Select(x => x.Key.Campaign).ToArray()),
                ("h", returns.Select(x => x.Key.Hour).ToArray()),
                ("s", returns.Select(x => x.Key.Source).ToArray()),
                ("k", returns.Select(x => x.Key.HoursSince).ToArray()),
                ("n", returns.Select(x => x.Value).ToArray()));
        }

        var carts = d.Carts.Where(x => x.Value != (0, 0)).ToArray();
        if (carts.Length > 0)
        {
            await ExecuteAsync(connection, tx, partition,
                """
                INSERT INTO metric_cart_minutes AS t (campaign_id, minute, partition, carts, completed)
                SELECT v.c, v.m, @p, v.n, v.k FROM unnest(@c, @m, @n, @k) AS v(c, m, n, k)
                ON CONFLICT (campaign_id, minute, partition) DO UPDATE
                SET carts = t.carts + excluded.carts, completed = t.completed + excluded.completed
                """, ct,
                ("c", carts.Select(x => x.Key.Campaign).ToArray()),
                ("m", carts.Select(x => x.Key.Minute).ToArray()),
                ("n", carts.Select(x => x.Value.Carts).ToArray()),
                ("k", carts.Select(x => x.Value.Completed).ToArray()));
        }

        var completion = d.CartCompletion.Where(x => x.Value != 0).ToArray();
        if (completion.Length > 0)
        {
            await ExecuteAsync(connection, tx, partition,
                """
                INSERT INTO metric_cart_completion AS t (campaign_id, seconds, partition, carts)
                SELECT v.c, v.s, @p, v.n FROM unnest(@c, @s, @n) AS v(c, s, n)
                ON CONFLICT (campaign_id, seconds, partition) DO UPDATE SET carts = t.carts + excluded.carts
                """, ct,
                ("c", completion.Select(x => x.Key.Campaign).ToArray()),
                ("s", completion.Select(x => x.Key.Seconds).ToArray()),
                ("n", completion.Select(x => x.Value).ToArray()));
        }
    }

    /// <summary>Runs an upsert whose <c>@p</c> is the log partition, with array parameters for <c>unnest</c>.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition, string sql,
        CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.Parameters.AddWithValue("p", partition);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
