using Crowdstart.Pipeline.Events;
using Npgsql;

namespace Crowdstart.Pipeline.Metrics;

/// <summary>
/// The live windows one window earlier: each sliding figure of the tiles as it stood at the end of the equal-length
/// window before the current one (conversion, social and checkout at the live point − W; revenue of the 60 minutes
/// before the last 60). A window whose previous one would start before the launch has no previous period.
/// </summary>
public sealed record PreviousPeriod(
    DateTimeOffset LaunchAt,
    DateTimeOffset LivePoint,
    IReadOnlyList<WindowConversion> Conversion,
    IReadOnlyList<SocialAmplification> Social,
    IReadOnlyList<CheckoutHealth> Checkout,
    decimal LastHourNet)
{
    /// <summary>Whether the window of <paramref name="windowSeconds"/> before the current one lies wholly after the launch.</summary>
    public bool Has(int windowSeconds) => LivePoint.AddSeconds(-2 * windowSeconds) >= LaunchAt;

    /// <summary>Whether the hour before the last hour lies wholly after the launch minute.</summary>
    public bool HasLastHour => LivePoint.AddMinutes(-1).AddHours(-2) >= EventTime.MinuteOf(LaunchAt);
}

/// <summary>Net pledged of two campaigns over the same time since each one's launch, e.g. "Aurora is 23 % ahead of Ember Isles at T+3 h".</summary>
public sealed record LaunchComparison(Guid CampaignId, Guid OtherId, TimeSpan At, decimal Net, decimal OtherNet)
{
    /// <summary>(net − other) / other; null when the other campaign had nothing pledged then.</summary>
    public double? Relative => OtherNet == 0 ? null : (double)((Net - OtherNet) / Math.Abs(OtherNet));
}

/// <summary>Comparison reads over the stored aggregates (10-second buckets, window points, minute rollups).</summary>
public sealed class ComparisonQuery(NpgsqlDataSource dataSource)
{
    /// <summary>The previous window of every live figure, read in one snapshot; null for an unknown campaign.</summary>
    public async Task<PreviousPeriod?> GetPreviousPeriodAsync(Guid campaignId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        DateTimeOffset launch;
        await using (var cmd = MetricsQuery.Command(connection, "SELECT launch_at FROM campaigns WHERE id = @c", ("c", campaignId)))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct))
            {
                return null;
            }
            launch = r.GetFieldValue<DateTimeOffset>(0);
        }
        var live = MetricWindows.LivePoint(now);
        var conversion = new List<WindowConversion>();
        var social = new List<SocialAmplification>();
        var checkout = new List<CheckoutHealth>();
        foreach (var w in MetricWindows.WindowSeconds)
        {
            var point = live.AddSeconds(-w);
            await using (var cmd = MetricsQuery.Command(connection,
                """
                SELECT coalesce(sum(visitors), 0)::bigint, coalesce(sum(pledgers), 0)::bigint FROM metric_window_points
                WHERE campaign_id = @c AND window_seconds = @w AND point = @pt
                """, ("c", campaignId), ("w", w), ("pt", point)))
            {
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                conversion.Add(new WindowConversion(w, r.GetInt64(0), r.GetInt64(1)));
            }
            // The same one-pass read as the snapshot's, ending one window earlier; only this window's figures are kept.
            var (s, c) = await MetricsQuery.WindowCountsAsync(connection, campaignId, point, ct);
            social.Add(s.Single(x => x.WindowSeconds == w));
            checkout.Add(c.Single(x => x.WindowSeconds == w));
        }
        // The snapshot's last hour is [minute − 59, minute + 1): the hour before it ends where it starts.
        var minute = EventTime.MinuteOf(now);
        var previousHour = await NetAsync(connection, campaignId, minute.AddMinutes(-119), minute.AddMinutes(-59), ct);
        await tx.CommitAsync(ct);
        return new PreviousPeriod(launch, live, conversion, social, checkout, previousHour);
    }

    /// <summary>
    /// Net pledged of <paramref name="campaignId"/> and <paramref name="otherId"/> over the same time since launch: the younger
    /// one's age, in whole hours from one hour on (whole minutes before), counted from each one's launch minute. Null when
    /// either is unknown or the younger has not been live for a minute.
    /// </summary>
    public async Task<LaunchComparison?> CompareAtSameAgeAsync(Guid campaignId, Guid otherId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var launches = new Dictionary<Guid, DateTimeOffset>();
        await using (var cmd = MetricsQuery.Command(connection, "SELECT id, launch_at FROM campaigns WHERE id = ANY(@ids)", ("ids", new[] { campaignId, otherId })))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                launches[r.GetGuid(0)] = EventTime.MinuteOf(r.GetFieldValue<DateTimeOffset>(1));
            }
        }
        if (!launches.TryGetValue(campaignId, out var launch) || !launches.TryGetValue(otherId, out var otherLaunch))
        {
            return null;
        }
        var age = Age(now - (launch > otherLaunch ? launch : otherLaunch));
        if (age <= TimeSpan.Zero)
        {
            return null;
        }
        var net = await NetAsync(connection, campaignId, launch, launch + age, ct);
        var otherNet = await NetAsync(connection, otherId, otherLaunch, otherLaunch + age, ct);
        await tx.CommitAsync(ct);
        return new LaunchComparison(campaignId, otherId, age, net, otherNet);
    }

    /// <summary>The age compared at: whole hours from one hour on, whole minutes before; zero before the first minute.</summary>
    public static TimeSpan Age(TimeSpan sinceLaunch) =>
        sinceLaunch >= TimeSpan.FromHours(1) ? TimeSpan.FromHours(Math.Floor(sinceLaunch.TotalHours))
        : sinceLaunch >= TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(Math.Floor(sinceLaunch.TotalMinutes))
        : TimeSpan.Zero;

    private static async Task<decimal> NetAsync(NpgsqlConnection connection, Guid campaignId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var cmd = MetricsQuery.Command(connection,
            "SELECT coalesce(sum(pledged_amount - refunded_amount), 0) FROM campaign_minute_rollups WHERE campaign_id = @c AND minute >= @from AND minute < @to",
            ("c", campaignId), ("from", from), ("to", to));
        return (decimal)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
