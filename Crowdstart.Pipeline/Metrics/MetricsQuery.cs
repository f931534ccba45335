using Crowdstart.Pipeline.Events;
using Npgsql;

namespace Crowdstart.Pipeline.Metrics;

/// <summary>Read API over the pre-computed metric tables, for the dashboard and the hub.</summary>
public interface IMetricsQuery
{
    /// <summary>The campaign's metrics as of <paramref name="now"/>; null for an unknown campaign.</summary>
    Task<MetricsSnapshot?> GetSnapshotAsync(Guid campaignId, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Sliding-window conversion every 10 s in [<paramref name="from"/>, <paramref name="to"/>] (gaps as zero).</summary>
    Task<IReadOnlyList<ConversionPoint>> GetConversionSeriesAsync(Guid campaignId, int windowSeconds, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct = default);

    /// <summary>
    /// One sliding-window conversion series per campaign, a point every <paramref name="stepSeconds"/> (a multiple of
    /// 10) in [<paramref name="from"/>, <paramref name="to"/>], in one query (overview sparklines).
    /// </summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlyList<ConversionPoint>>> GetConversionTrendsAsync(IReadOnlyCollection<Guid> campaignIds, int windowSeconds,
        DateTimeOffset from, DateTimeOffset to, int stepSeconds, CancellationToken ct = default);

    /// <summary>Net revenue per minute or per hour in [<paramref name="from"/>, <paramref name="to"/>), with running totals.</summary>
    Task<IReadOnlyList<RevenuePoint>> GetRevenueSeriesAsync(Guid campaignId, DateTimeOffset from, DateTimeOffset to, bool hourly,
        CancellationToken ct = default);

    /// <summary>Net revenue per minute from launch to launch + 4 h (T+0 … T+4 h), with running totals.</summary>
    Task<IReadOnlyList<RevenuePoint>> GetEarlyVelocityAsync(Guid campaignId, CancellationToken ct = default);
}

/// <summary>PostgreSQL implementation: every query reads a bounded number of pre-computed rows.</summary>
public sealed partial class MetricsQuery(NpgsqlDataSource dataSource) : IMetricsQuery
{
    /// <summary>Most points one conversion series returns; longer ranges are evenly thinned.</summary>
    public const int MaxSeriesPoints = 2000;

    /// <summary>Early velocity covers the first four hours after launch.</summary>
    public static readonly TimeSpan EarlyVelocityWindow = TimeSpan.FromHours(4);

    /// <summary>Bars of the cart completion histogram, in seconds (the last one is open-ended).</summary>
    public static readonly IReadOnlyList<(int From, int? To)> HistogramEdges =
        [(0, 30), (30, 60), (60, 120), (120, 300), (300, 600), (600, 1200), (1200, 1800), (1800, 3600), (3600, null)];

    private sealed record CampaignInfo(string Currency, decimal Goal, DateTimeOffset LaunchAt, FunnelDefinition Funnel, int CartWindowSeconds);

    public async Task<MetricsSnapshot?> GetSnapshotAsync(Guid campaignId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for every read, so totals and recent rows never come from two different commits.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var info = await CampaignAsync(connection, campaignId, ct);
        if (info is null)
        {
            return null;
        }
        var live = MetricWindows.LivePoint(now);

        var conversion = new List<WindowConversion>();
        await using (var cmd = Command(connection,
            """
            SELECT window_seconds, sum(visitors)::bigint, sum(pledgers)::bigint FROM metric_window_points
            WHERE campaign_id = @c AND window_seconds = ANY(@ws) AND point = @pt GROUP BY 1
            """, ("c", campaignId), ("ws", MetricWindows.WindowSeconds.ToArray()), ("pt", live)))
        {
            var found = new Dictionary<int, (long, long)>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                found[r.GetInt32(0)] = (r.GetInt64(1), r.GetInt64(2));
            }
            conversion.AddRange(MetricWindows.WindowSeconds.Select(w =>
                found.TryGetValue(w, out var v) ? new WindowConversion(w, v.Item1, v.Item2) : new WindowConversion(w, 0, 0)));
        }

        var (social, checkout) = await WindowCountsAsync(connection, campaignId, live, ct);
        var funnel = await FunnelAsync(connection, campaignId, info.Funnel, ct);
        var (cohorts, byDay, bySource, returnRate) = await CohortsAsync(connection, campaignId, now, ct);
        var revenue = await RevenueAsync(connection, campaignId, info, now, ct);
        var carts = await CartsAsync(connection, campaignId, info, now, ct);
        long late = 0, events = 0;
        await using (var cmd = Command(connection,
            "SELECT coalesce(sum(late_events), 0)::bigint, coalesce(sum(events), 0)::bigint FROM campaign_partition_totals WHERE campaign_id = @c",
            ("c", campaignId)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
            {
                (late, events) = (r.GetInt64(0), r.GetInt64(1));
            }
        }

        await tx.CommitAsync(ct);
        return new MetricsSnapshot(campaignId, now, conversion, funnel, cohorts, byDay, bySource, returnRate, revenue, social, carts, checkout, late, events);
    }

    public async Task<IReadOnlyList<ConversionPoint>> GetConversionSeriesAsync(Guid campaignId, int windowSeconds, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct = default)
    {
        // Long ranges are thinned to at most MaxSeriesPoints evenly spaced grid points.
        var stepSeconds = StepSecondsFor(from, to, MaxSeriesPoints);
        return (await GetConversionTrendsAsync([campaignId], windowSeconds, from, to, stepSeconds, ct))[campaignId];
    }

    /// <summary>
    /// The grid step (a multiple of 10 s) that gives at most <paramref name="maxPoints"/> points in [<paramref name="from"/>,
    /// <paramref name="to"/>], for <see cref="GetConversionTrendsAsync"/>: each point is still the exact window value at its time.
    /// </summary>
    public static int StepSecondsFor(DateTimeOffset from, DateTimeOffset to, int maxPoints)
    {
        var span = (MetricWindows.Bucket(to) - MetricWindows.LivePoint(from.AddTicks(-1))).TotalSeconds;
        return MetricWindows.StepSeconds * (int)Math.Max(1, Math.Ceiling(span / MetricWindows.StepSeconds / Math.Clamp(maxPoints, 1, MaxSeriesPoints)));
    }

    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<ConversionPoint>>> GetConversionTrendsAsync(IReadOnlyCollection<Guid> campaignIds,
        int windowSeconds, DateTimeOffset from, DateTimeOffset to, int stepSeconds, CancellationToken ct = default)
    {
        if (!MetricWindows.WindowSeconds.Contains(windowSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(windowSeconds), $"windowSeconds must be one of {string.Join(", ", MetricWindows.WindowSeconds)}");
        }
        // The grid ends on the last point at or before `to` and steps back from it, so the newest value (the one the
        // tiles show) is always there, however thinned.
        var last = MetricWindows.Bucket(to);
        var first = MetricWindows.LivePoint(from.AddTicks(-1));
        if (stepSeconds <= 0 || stepSeconds % MetricWindows.StepSeconds != 0 || (last - first).TotalSeconds / stepSeconds > MaxSeriesPoints)
        {
            throw new ArgumentOutOfRangeException(nameof(stepSeconds), $"stepSeconds must be a positive multiple of {MetricWindows.StepSeconds} giving at most {MaxSeriesPoints} points");
        }
        first = last.AddSeconds(-stepSeconds * Math.Floor((last - first).TotalSeconds / stepSeconds));
        var result = new Dictionary<Guid, IReadOnlyList<ConversionPoint>>();
        if (campaignIds.Count == 0)
        {
            return result;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var found = new Dictionary<(Guid, DateTimeOffset), (long, long)>();
        await using (var cmd = Command(connection,
            """
            SELECT campaign_id, point, sum(visitors)::bigint, sum(pledgers)::bigint FROM metric_window_points
            WHERE campaign_id = ANY(@c) AND window_seconds = @w AND point BETWEEN @from AND @to
              AND (extract(epoch FROM point)::bigint - extract(epoch FROM @from)::bigint) % @step = 0
            GROUP BY 1, 2
            """, ("c", campaignIds.ToArray()), ("w", windowSeconds), ("from", first), ("to", last), ("step", (long)stepSeconds)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                found[(r.GetGuid(0), r.GetFieldValue<DateTimeOffset>(1))] = (r.GetInt64(2), r.GetInt64(3));
            }
        }
        foreach (var id in campaignIds)
        {
            var series = new List<ConversionPoint>();
            for (var t = first; t <= last; t = t.AddSeconds(stepSeconds))
            {
                var (v, p) = found.GetValueOrDefault((id, t));
                series.Add(new ConversionPoint(t, v, p));
            }
            result[id] = series;
        }
        return result;
    }

    public async Task<IReadOnlyList<RevenuePoint>> GetRevenueSeriesAsync(Guid campaignId, DateTimeOffset from, DateTimeOffset to, bool hourly,
        CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var info = await CampaignAsync(connection, campaignId, ct);
        if (to - from > TimeSpan.FromDays(hourly ? 400 : 7))
        {
            throw new ArgumentOutOfRangeException(nameof(to), hourly ? "an hourly series covers at most 400 days" : "a per-minute series covers at most 7 days");
        }
        return info is null ? [] : await RevenueSeriesAsync(connection, campaignId, EventTime.MinuteOf(info.LaunchAt), from, to, hourly, ct);
    }

    public async Task<IReadOnlyList<RevenuePoint>> GetEarlyVelocityAsync(Guid campaignId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var info = await CampaignAsync(connection, campaignId, ct);
        if (info is null)
        {
            return [];
        }
        var launch = EventTime.MinuteOf(info.LaunchAt);
        return await RevenueSeriesAsync(connection, campaignId, launch, launch, launch + EarlyVelocityWindow, hourly: false, ct);
    }

    private static async Task<IReadOnlyList<RevenuePoint>> RevenueSeriesAsync(NpgsqlConnection connection, Guid campaignId, DateTimeOffset launch,
        DateTimeOffset from, DateTimeOffset to, bool hourly, CancellationToken ct)
    {
        var step = hourly ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1);
        var start = new DateTimeOffset(from.UtcTicks - from.UtcTicks % step.Ticks, TimeSpan.Zero);
        var found = new Dictionary<DateTimeOffset, decimal>();
        await using (var cmd = Command(connection,
            $"""
            SELECT date_trunc('{(hourly ? "hour" : "minute")}', minute AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', sum(pledged_amount - refunded_amount)
            FROM campaign_minute_rollups WHERE campaign_id = @c AND minute >= @from AND minute < @to GROUP BY 1
            """, ("c", campaignId), ("from", start), ("to", to)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                found[r.GetFieldValue<DateTimeOffset>(0)] = r.GetDecimal(1);
            }
        }
        var series = new List<RevenuePoint>();
        var cumulative = 0m;
        for (var t = start; t < to; t += step)
        {
            var net = found.GetValueOrDefault(t);
            cumulative += net;
            series.Add(new RevenuePoint(t, t - launch, net, cumulative));
        }
        return series;
    }

    private static async Task<CampaignInfo?> CampaignAsync(NpgsqlConnection connection, Guid campaignId, CancellationToken ct)
    {
        await using var cmd = Command(connection,
            "SELECT currency, goal_amount, launch_at, funnel::text, cart_window_seconds FROM campaigns WHERE id = @c", ("c", campaignId));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new CampaignInfo(r.GetString(0).Trim(), r.GetDecimal(1), r.GetFieldValue<DateTimeOffset>(2), FunnelDefinition.Parse(r.GetString(3)), r.GetInt32(4))
            : null;
    }

    internal static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }
        return cmd;
    }
}
