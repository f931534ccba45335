using Crowdstart.Pipeline.Events;
using Npgsql;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// Reads the platform's launch prior (<see cref="LaunchPrior"/>) from the pipeline's 10-second event counts: every
/// campaign launched within the last year, its funnel counts in each of its first hours. Kept for
/// <see cref="RefreshInterval"/>: the platform's launches change slowly, the monitor asks every 10 seconds.
/// </summary>
public sealed class LaunchPriorStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(10);

    private static readonly string[] Types =
        [EventTypes.PageView, EventTypes.RewardView, EventTypes.CartCreated, EventTypes.CheckoutStarted, EventTypes.CheckoutFailed, EventTypes.PledgeCompleted];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (LaunchPrior Prior, DateTimeOffset ReadAt)? _cached;

    public async Task<LaunchPrior> GetAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (_cached is { } c && now - c.ReadAt < RefreshInterval)
        {
            return c.Prior;
        }
        await _gate.WaitAsync(ct);
        try
        {
            if (_cached is { } again && now - again.ReadAt < RefreshInterval)
            {
                return again.Prior;
            }
            var prior = await ReadAsync(now, ct);
            _cached = (prior, now);
            return prior;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<LaunchPrior> ReadAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT m.campaign_id, floor(extract(epoch FROM m.bucket - c.launch_at) / 3600)::int AS hour, m.type, sum(m.events)::bigint
            FROM campaigns c JOIN metric_event_counts m ON m.campaign_id = c.id
            WHERE c.launch_at > @since AND c.launch_at <= @now
              AND m.bucket >= c.launch_at AND m.bucket < c.launch_at + make_interval(hours => @hours) AND m.type = ANY(@types)
            GROUP BY 1, 2, 3
            """);
        cmd.Parameters.AddWithValue("since", now.AddDays(-365));
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("hours", LaunchPrior.Hours);
        cmd.Parameters.AddWithValue("types", Types);
        var counts = new Dictionary<(Guid Campaign, int Hour), Dictionary<string, long>>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var key = (reader.GetGuid(0), reader.GetInt32(1));
                var byType = counts.TryGetValue(key, out var t) ? t : counts[key] = [];
                byType[reader.GetString(2)] = reader.GetInt64(3);
            }
        }
        return new LaunchPrior(counts.SelectMany(c => FunnelRate.All.Select(rate =>
        {
            var successes = c.Value.GetValueOrDefault(TypeOf(rate.Successes));
            var trials = Math.Max(c.Value.GetValueOrDefault(TypeOf(rate.Trials)), successes);
            return new CampaignRateCounts(c.Key.Campaign, c.Key.Hour, rate.Name, successes, trials);
        })));
    }

    /// <summary>The event type a funnel step counts.</summary>
    public static string TypeOf(CountedStep step) => step switch
    {
        CountedStep.Visits => EventTypes.PageView,
        CountedStep.RewardViews => EventTypes.RewardView,
        CountedStep.Carts => EventTypes.CartCreated,
        CountedStep.Checkouts => EventTypes.CheckoutStarted,
        CountedStep.Failures => EventTypes.CheckoutFailed,
        CountedStep.Pledges => EventTypes.PledgeCompleted,
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };
}
