using Npgsql;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>One rollup row, as stored or as recomputed.</summary>
public sealed record RollupRow(
    Guid Campaign, DateTimeOffset Minute, int Partition, long PageViews, long RewardViews, long CartsCreated, long CheckoutsStarted,
    long CheckoutsFailed, long PledgesCompleted, long PledgesRefunded, long UniqueCustomers, decimal PledgedAmount, decimal RefundedAmount);

/// <summary>
/// Independent recomputation of the minute rollups straight from the raw log with one GROUP BY, to compare
/// with what the streaming pipeline stored.
/// </summary>
public static class RollupOracle
{
    public static Task<List<RollupRow>> RecomputeAsync(NpgsqlDataSource db) => QueryAsync(db,
        """
        SELECT campaign_id, date_trunc('minute', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS minute, partition,
               count(*) FILTER (WHERE type = 'page_view'), count(*) FILTER (WHERE type = 'reward_view'),
               count(*) FILTER (WHERE type = 'cart_created'), count(*) FILTER (WHERE type = 'checkout_started'),
               count(*) FILTER (WHERE type = 'checkout_failed'), count(*) FILTER (WHERE type = 'pledge_completed'),
               count(*) FILTER (WHERE type = 'pledge_refunded'), count(DISTINCT customer_id),
               coalesce(sum(amount) FILTER (WHERE type = 'pledge_completed'), 0),
               coalesce(sum(amount) FILTER (WHERE type = 'pledge_refunded'), 0)
        FROM event_log GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        """);

    public static Task<List<RollupRow>> StoredAsync(NpgsqlDataSource db) => QueryAsync(db,
        """
        SELECT campaign_id, minute, partition, page_views, reward_views, carts_created, checkouts_started, checkouts_failed,
               pledges_completed, pledges_refunded, unique_customers, pledged_amount, refunded_amount
        FROM campaign_minute_rollups ORDER BY 1, 2, 3
        """);

    /// <summary>All-time totals per (campaign, partition): recomputed from the log, and as stored.</summary>
    public static async Task<(List<object> Expected, List<object> Stored)> TotalsAsync(NpgsqlDataSource db)
    {
        async Task<List<object>> Read(string sql)
        {
            await using var cmd = db.CreateCommand(sql);
            await using var r = await cmd.ExecuteReaderAsync();
            var rows = new List<object>();
            while (await r.ReadAsync())
            {
                rows.Add((r.GetGuid(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetDecimal(5), r.GetDecimal(6)));
            }
            return rows;
        }
        var expected = await Read(
            """
            SELECT campaign_id, partition, count(*), count(*) FILTER (WHERE type = 'pledge_completed'),
                   count(*) FILTER (WHERE type = 'pledge_refunded'),
                   coalesce(sum(amount) FILTER (WHERE type = 'pledge_completed'), 0),
                   coalesce(sum(amount) FILTER (WHERE type = 'pledge_refunded'), 0)
            FROM event_log GROUP BY 1, 2 ORDER BY 1, 2
            """);
        var stored = await Read(
            """
            SELECT campaign_id, partition, events, pledges_completed, pledges_refunded, pledged_amount, refunded_amount
            FROM campaign_partition_totals ORDER BY 1, 2
            """);
        return (expected, stored);
    }

    private static async Task<List<RollupRow>> QueryAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<RollupRow>();
        while (await r.ReadAsync())
        {
            rows.Add(new RollupRow(r.GetGuid(0), r.GetFieldValue<DateTimeOffset>(1), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4),
                r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetDecimal(11), r.GetDecimal(12)));
        }
        return rows;
    }
}
