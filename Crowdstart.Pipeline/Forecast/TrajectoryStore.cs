using Npgsql;

namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// A campaign's window to read a trajectory for: from its launch to <paramref name="Until"/> (at most its end). With
/// <paramref name="FromHour"/> above 0 only the hours from it on are read, with totals counted from that hour: the
/// caller adds them to what it already has of the earlier hours.
/// </summary>
public sealed record TrajectoryRequest(Guid CampaignId, decimal Goal, DateTimeOffset LaunchAt, DateTimeOffset EndAt, DateTimeOffset Until, int FromHour = 0);

/// <summary>
/// Reads campaigns' hourly trajectories from the pre-computed metric tables (never from raw events): net pledged and
/// pledges and page views from the minute rollups; new visitors, those of them who came from a social network, and
/// returning visitors from the cohort tables. All of them count late events too (only the live windows leave those
/// out), so a campaign imported after the fact has the same trajectory as one watched live. Anything before launch counts in the first hour. "As of" a moment is
/// exact to the minute, so the evaluation can replay any point of a finished campaign from the same tables.
/// </summary>
public sealed class TrajectoryStore(NpgsqlDataSource dataSource)
{
    private const string Query =
        """
        WITH c AS (
            SELECT id, launch, until, launch + make_interval(hours => from_hour) AS since, from_hour
            FROM unnest(@ids, @launches, @untils, @froms) AS c(id, launch, until, from_hour)),
        m AS (
            SELECT r.campaign_id AS id, greatest(0, floor(extract(epoch FROM r.minute - c.launch) / 3600))::int AS h,
                   sum(r.pledged_amount - r.refunded_amount)::float8 AS net, sum(r.pledges_completed)::float8 AS pledges,
                   sum(r.page_views)::float8 AS visits
            FROM campaign_minute_rollups r JOIN c ON r.campaign_id = c.id AND r.minute < c.until AND (c.from_hour = 0 OR r.minute >= c.since)
            GROUP BY 1, 2),
        v AS (
            SELECT k.campaign_id AS id, greatest(0, floor(extract(epoch FROM k.cohort_hour - c.launch) / 3600))::int AS h, sum(k.customers)::float8 AS visitors,
                   (sum(k.customers) FILTER (WHERE k.source LIKE 'social:%'))::float8 AS social
            FROM metric_cohorts k JOIN c ON k.campaign_id = c.id AND k.cohort_hour < c.until AND (c.from_hour = 0 OR k.cohort_hour >= c.since)
            GROUP BY 1, 2),
        b AS (
            SELECT k.campaign_id AS id,
                   greatest(0, floor(extract(epoch FROM k.cohort_hour + make_interval(hours => k.hours_since) - c.launch) / 3600))::int AS h,
                   sum(k.customers)::float8 AS returned
            FROM metric_cohort_returns k JOIN c ON k.campaign_id = c.id AND k.cohort_hour + make_interval(hours => k.hours_since) < c.until
                AND (c.from_hour = 0 OR k.cohort_hour + make_interval(hours => k.hours_since) >= c.since)
            GROUP BY 1, 2)
        SELECT id, h, coalesce(net, 0), coalesce(pledges, 0), coalesce(visits, 0), coalesce(social, 0), coalesce(visitors, 0), coalesce(returned, 0)
        FROM m FULL JOIN v USING (id, h) FULL JOIN b USING (id, h)
        ORDER BY id, h
        """;

    /// <summary>The trajectories of <paramref name="requests"/>, in their order, each from launch as far as its <c>Until</c>.</summary>
    public async Task<IReadOnlyList<CampaignTrajectory>> ReadAsync(IReadOnlyList<TrajectoryRequest> requests, CancellationToken ct = default)
    {
        var windows = requests.Select(Clamp).Select(r => r with { FromHour = 0 }).ToList();
        var series = await ReadHoursAsync(windows, ct);
        return windows.Select((r, i) => Trajectory(r, series[i])).ToList();
    }

    /// <summary>
    /// <paramref name="known"/> trajectories brought up to <paramref name="until"/> by reading only their last known hour
    /// and the ones after it (the hour before may still receive events within a campaign's allowed lateness): what a
    /// forecaster that runs every few seconds needs, without re-reading weeks of history each time.
    /// </summary>
    public async Task<IReadOnlyList<CampaignTrajectory>> ExtendAsync(IReadOnlyList<CampaignTrajectory> known, DateTimeOffset until, CancellationToken ct = default)
    {
        var windows = known.Select(k => Clamp(new TrajectoryRequest(k.CampaignId, k.Goal, k.LaunchAt, k.EndAt, until,
            Math.Max(0, Math.Min(k.Hours.Count, (int)Math.Floor(k.ObservedHours)) - 1)))).ToList();
        var tails = await ReadHoursAsync(windows, ct);
        return windows.Select((r, i) =>
        {
            var start = r.FromHour == 0 ? default : known[i].Hours[r.FromHour - 1];
            var hours = known[i].Hours.Take(r.FromHour).Concat(tails[i].Select(t => Add(start, t))).ToList();
            return Trajectory(r, hours);
        }).ToList();
    }

    private static TrajectoryRequest Clamp(TrajectoryRequest r) => r with { Until = r.Until < r.EndAt ? r.Until : r.EndAt };

    private static CampaignTrajectory Trajectory(TrajectoryRequest r, IReadOnlyList<HourTotals> hours) =>
        new(r.CampaignId, r.Goal, r.LaunchAt, r.EndAt, Math.Max(0, (r.Until - r.LaunchAt).TotalHours), hours);

    private static HourTotals Add(HourTotals a, HourTotals b) => new(a.NetPledged + b.NetPledged, a.Pledges + b.Pledges, a.Visits + b.Visits,
        a.SocialVisitors + b.SocialVisitors, a.Visitors + b.Visitors, a.ReturningVisitors + b.ReturningVisitors);

    /// <summary>For each window, the running totals (counted from its <c>FromHour</c>) at the end of each hour from it on.</summary>
    private async Task<IReadOnlyList<HourTotals[]>> ReadHoursAsync(IReadOnlyList<TrajectoryRequest> windows, CancellationToken ct)
    {
        if (windows.Count == 0)
        {
            return [];
        }
        await using var cmd = dataSource.CreateCommand(Query);
        cmd.Parameters.AddWithValue("ids", windows.Select(r => r.CampaignId).ToArray());
        cmd.Parameters.AddWithValue("launches", windows.Select(r => r.LaunchAt.ToUniversalTime()).ToArray());
        cmd.Parameters.AddWithValue("untils", windows.Select(r => r.Until.ToUniversalTime()).ToArray());
        cmd.Parameters.AddWithValue("froms", windows.Select(r => r.FromHour).ToArray());
        var hourly = new Dictionary<Guid, List<(int Hour, HourTotals Totals)>>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetGuid(0);
                if (!hourly.TryGetValue(id, out var rows))
                {
                    hourly[id] = rows = [];
                }
                rows.Add((reader.GetInt32(1), new HourTotals(reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5),
                    reader.GetDouble(6), reader.GetDouble(7))));
            }
        }
        return windows.Select(r => Running(r, hourly.GetValueOrDefault(r.CampaignId) ?? [])).ToList();
    }

    /// <summary>Running totals, one per whole or started hour of the window (hours without activity repeat the last).</summary>
    private static HourTotals[] Running(TrajectoryRequest request, List<(int Hour, HourTotals Totals)> rows)
    {
        var observed = Math.Max(0, (request.Until - request.LaunchAt).TotalHours);
        var count = Math.Max(0, (int)Math.Ceiling(observed) - request.FromHour);
        var hours = new HourTotals[count];
        var running = default(HourTotals);
        var next = 0;
        for (var i = 0; i < count; i++)
        {
            while (next < rows.Count && rows[next].Hour <= request.FromHour + i)
            {
                running = Add(running, rows[next++].Totals);
            }
            hours[i] = running;
        }
        return hours;
    }
}
