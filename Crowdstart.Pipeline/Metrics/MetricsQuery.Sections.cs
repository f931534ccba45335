using Crowdstart.Pipeline.Events;
using Npgsql;

namespace Crowdstart.Pipeline.Metrics;

/// <summary>The snapshot's sections, one read each over pre-computed rows.</summary>
public sealed partial class MetricsQuery
{
    internal static async Task<(List<SocialAmplification>, List<CheckoutHealth>)> WindowCountsAsync(NpgsqlConnection connection, Guid campaignId,
        DateTimeOffset live, CancellationToken ct)
    {
        // One pass over the longest window's buckets; shorter windows are sub-ranges of it.
        var longest = MetricWindows.WindowSeconds.Max();
        var rows = new List<(DateTimeOffset Bucket, string Type, string Source, long Events)>();
        await using (var cmd = Command(connection,
            """
            SELECT bucket, type, source, sum(events)::bigint FROM metric_event_counts
            WHERE campaign_id = @c AND bucket >= @from AND bucket < @to AND type IN ('page_view', 'checkout_started', 'checkout_failed')
            GROUP BY 1, 2, 3
            """, ("c", campaignId), ("from", live.AddSeconds(-longest)), ("to", live)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                rows.Add((r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetString(2), r.GetInt64(3)));
            }
        }
        var social = new List<SocialAmplification>();
        var checkout = new List<CheckoutHealth>();
        foreach (var w in MetricWindows.WindowSeconds)
        {
            var inWindow = rows.Where(x => x.Bucket >= live.AddSeconds(-w)).ToList();
            var views = inWindow.Where(x => x.Type == EventTypes.PageView).ToList();
            var networks = views.Where(x => x.Source.StartsWith("social:", StringComparison.Ordinal))
                .GroupBy(x => x.Source["social:".Length..]).ToDictionary(g => g.Key, g => g.Sum(x => x.Events));
            social.Add(new SocialAmplification(w, networks.Values.Sum(), views.Where(x => x.Source == "direct").Sum(x => x.Events), networks));
            checkout.Add(new CheckoutHealth(w,
                inWindow.Where(x => x.Type == EventTypes.CheckoutStarted).Sum(x => x.Events),
                inWindow.Where(x => x.Type == EventTypes.CheckoutFailed).Sum(x => x.Events)));
        }
        return (social, checkout);
    }

    private static async Task<List<FunnelStepResult>> FunnelAsync(NpgsqlConnection connection, Guid campaignId, FunnelDefinition funnel, CancellationToken ct)
    {
        var counts = new Dictionary<int, Dictionary<string, long>>();
        await using (var cmd = Command(connection,
            "SELECT step, source, sum(customers)::bigint FROM metric_funnel_steps WHERE campaign_id = @c GROUP BY 1, 2", ("c", campaignId)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var step = r.GetInt32(0);
                if (!counts.TryGetValue(step, out var bySource))
                {
                    counts[step] = bySource = [];
                }
                if (r.GetInt64(2) != 0)
                {
                    bySource[r.GetString(1)] = r.GetInt64(2);
                }
            }
        }
        var result = new List<FunnelStepResult>();
        long first = 0, previous = 0;
        for (var k = 1; k <= funnel.Steps.Count; k++)
        {
            var bySource = counts.GetValueOrDefault(k) ?? [];
            var customers = bySource.Values.Sum();
            if (k == 1)
            {
                first = customers;
            }
            result.Add(new FunnelStepResult(k, funnel.Steps[k - 1].Type, funnel.Steps[k - 1].WithinSeconds, customers,
                k == 1 ? null : previous == 0 ? null : (double)customers / previous,
                first == 0 ? null : (double)customers / first,
                k == 1 ? 0 : previous - customers,
                bySource));
            previous = customers;
        }
        return result;
    }

    private static async Task<(List<CohortRow>, List<CohortGroup>, List<CohortGroup>, double?)> CohortsAsync(NpgsqlConnection connection,
        Guid campaignId, DateTimeOffset now, CancellationToken ct)
    {
        // Grids cover the last 7 days of cohorts (a bounded read however old the campaign); the overall
        // return rate comes from the campaign totals.
        var cells = new List<(DateTimeOffset Hour, string Source, long Customers, long Returned)>();
        await using (var cmd = Command(connection,
            "SELECT cohort_hour, source, sum(customers)::bigint, sum(returned)::bigint FROM metric_cohorts WHERE campaign_id = @c AND cohort_hour >= @since GROUP BY 1, 2",
            ("c", campaignId), ("since", new DateTimeOffset(now.UtcDateTime.Date.AddDays(-7), TimeSpan.Zero))))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                cells.Add((r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
            }
        }
        var since = now.AddHours(-48);
        var returns = new Dictionary<(DateTimeOffset, int), long>();
        await using (var cmd = Command(connection,
            """
            SELECT cohort_hour, hours_since, sum(customers)::bigint FROM metric_cohort_returns
            WHERE campaign_id = @c AND cohort_hour >= @since GROUP BY 1, 2
            """, ("c", campaignId), ("since", since)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                returns[(r.GetFieldValue<DateTimeOffset>(0), r.GetInt32(1))] = r.GetInt64(2);
            }
        }
        var rows = cells.Where(c => c.Hour >= since).GroupBy(c => c.Hour).OrderBy(g => g.Key)
            .Select(g => new CohortRow(g.Key, g.Sum(c => c.Customers), g.Sum(c => c.Returned),
                Enumerable.Range(0, 24).Select(h => returns.GetValueOrDefault((g.Key, h))).ToArray()))
            .Where(r => r.Customers != 0)
            .ToList();
        var byDay = cells.GroupBy(c => c.Hour.UtcDateTime.Date).OrderBy(g => g.Key)
            .Select(g => new CohortGroup(g.Key.ToString("yyyy-MM-dd"), g.Sum(c => c.Customers), g.Sum(c => c.Returned)))
            .Where(g => g.Customers != 0).ToList();
        var bySource = cells.GroupBy(c => c.Source).OrderByDescending(g => g.Sum(c => c.Customers))
            .Select(g => new CohortGroup(g.Key, g.Sum(c => c.Customers), g.Sum(c => c.Returned)))
            .Where(g => g.Customers != 0).ToList();
        await using var totals = Command(connection,
            "SELECT coalesce(sum(cohort_customers), 0)::bigint, coalesce(sum(cohort_returned), 0)::bigint FROM campaign_partition_totals WHERE campaign_id = @c",
            ("c", campaignId));
        await using var t = await totals.ExecuteReaderAsync(ct);
        await t.ReadAsync(ct);
        var (customers, returned) = (t.GetInt64(0), t.GetInt64(1));
        return (rows, byDay, bySource, customers == 0 ? null : (double)returned / customers);
    }

    private static async Task<RevenueSummary> RevenueAsync(NpgsqlConnection connection, Guid campaignId, CampaignInfo info, DateTimeOffset now, CancellationToken ct)
    {
        decimal pledged = 0, refunded = 0;
        long pledges = 0;
        await using (var cmd = Command(connection,
            """
            SELECT coalesce(sum(pledged_amount), 0), coalesce(sum(refunded_amount), 0), coalesce(sum(pledges_completed), 0)::bigint
            FROM campaign_partition_totals WHERE campaign_id = @c
            """, ("c", campaignId)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
            {
                (pledged, refunded, pledges) = (r.GetDecimal(0), r.GetDecimal(1), r.GetInt64(2));
            }
        }
        var minute = EventTime.MinuteOf(now);
        async Task<decimal> NetAsync(DateTimeOffset from, DateTimeOffset to)
        {
            await using var cmd = Command(connection,
                "SELECT coalesce(sum(pledged_amount - refunded_amount), 0) FROM campaign_minute_rollups WHERE campaign_id = @c AND minute >= @from AND minute < @to",
                ("c", campaignId), ("from", from), ("to", to));
            return (decimal)(await cmd.ExecuteScalarAsync(ct))!;
        }
        var launch = EventTime.MinuteOf(info.LaunchAt);
        return new RevenueSummary(info.Currency, pledged, refunded, info.Goal,
            await NetAsync(minute, minute.AddMinutes(1)),
            await NetAsync(minute.AddMinutes(-59), minute.AddMinutes(1)),
            await NetAsync(launch, launch + EarlyVelocityWindow),
            pledges);
    }

    private static async Task<CartCompletionSummary> CartsAsync(NpgsqlConnection connection, Guid campaignId, CampaignInfo info, DateTimeOffset now, CancellationToken ct)
    {
        var histogram = new List<(int Seconds, long Carts)>();
        await using (var cmd = Command(connection,
            "SELECT seconds, sum(carts)::bigint FROM metric_cart_completion WHERE campaign_id = @c GROUP BY 1 HAVING sum(carts) <> 0 ORDER BY 1",
            ("c", campaignId)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                histogram.Add((r.GetInt32(0), r.GetInt64(1)));
            }
        }
        long carts = 0, completed = 0, recentCarts = 0, recentCompleted = 0;
        // A cart has matured once its whole completion window has passed; only then can it count as abandoned.
        // Matured = all carts (campaign totals) minus the few minutes still inside the window.
        var maturedBefore = EventTime.MinuteOf(now).AddSeconds(-info.CartWindowSeconds).AddMinutes(-1);
        await using (var cmd = Command(connection,
            """
            SELECT coalesce(sum(carts), 0)::bigint, coalesce(sum(carts_completed), 0)::bigint
            FROM campaign_partition_totals WHERE campaign_id = @c
            """, ("c", campaignId)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
            {
                (carts, completed) = (r.GetInt64(0), r.GetInt64(1));
            }
        }
        await using (var cmd = Command(connection,
            """
            SELECT coalesce(sum(carts), 0)::bigint, coalesce(sum(completed), 0)::bigint
            FROM metric_cart_minutes WHERE campaign_id = @c AND minute > @matured
            """, ("c", campaignId), ("matured", maturedBefore)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
            {
                (recentCarts, recentCompleted) = (r.GetInt64(0), r.GetInt64(1));
            }
        }
        var maturedCarts = carts - recentCarts;
        var maturedCompleted = completed - recentCompleted;
        var n = histogram.Sum(h => h.Carts);
        int? Percentile(double p)
        {
            if (n == 0)
            {
                return null;
            }
            // Nearest rank: the smallest time with at least ceil(p·n) carts at or below it (= percentile_disc).
            var rank = (long)Math.Ceiling(p * n);
            long cumulative = 0;
            foreach (var (seconds, count) in histogram)
            {
                cumulative += count;
                if (cumulative >= rank)
                {
                    return seconds;
                }
            }
            return histogram[^1].Seconds;
        }
        var buckets = HistogramEdges.Select(e => new HistogramBucket(e.From, e.To,
            histogram.Where(h => h.Seconds >= e.From && (e.To is null || h.Seconds < e.To)).Sum(h => h.Carts))).ToList();
        return new CartCompletionSummary(carts, completed, Percentile(0.5), Percentile(0.9), Percentile(0.99), buckets,
            maturedCarts, maturedCarts - maturedCompleted);
    }
}
