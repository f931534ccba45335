using Crowdstart.Pipeline.Events;
using Npgsql;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>Reads campaigns' 10-second funnel counts (the pipeline's <c>metric_event_counts</c>, live events only) as the detectors' buckets.</summary>
public static class BucketCountsReader
{
    private static readonly string[] WatchedTypes =
        [EventTypes.PageView, EventTypes.RewardView, EventTypes.CartCreated, EventTypes.CheckoutStarted, EventTypes.CheckoutFailed, EventTypes.PledgeCompleted];

    /// <summary>The buckets of <paramref name="campaigns"/> in [<paramref name="from"/>, <paramref name="end"/>) that hold any count.</summary>
    public static async Task<Dictionary<(Guid, DateTimeOffset), BucketCounts>> ReadAsync(NpgsqlDataSource dataSource, Guid[] campaigns, DateTimeOffset from, DateTimeOffset end, CancellationToken ct)
    {
        var raw = new Dictionary<(Guid, DateTimeOffset), (int Visits, int Checkouts, int Failures, int Pledges, Dictionary<string, int> Sources, int RewardViews, int Carts)>();
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT campaign_id, bucket, type, source, sum(events)::int FROM metric_event_counts
            WHERE campaign_id = ANY(@campaigns) AND bucket >= @from AND bucket < @end AND type = ANY(@types)
            GROUP BY campaign_id, bucket, type, source
            """);
        cmd.Parameters.AddWithValue("campaigns", campaigns);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("end", end);
        cmd.Parameters.AddWithValue("types", WatchedTypes);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var key = (reader.GetGuid(0), (DateTimeOffset)reader.GetFieldValue<DateTime>(1));
                var entry = raw.TryGetValue(key, out var e) ? e : (Visits: 0, Checkouts: 0, Failures: 0, Pledges: 0, Sources: new Dictionary<string, int>(), RewardViews: 0, Carts: 0);
                var count = reader.GetInt32(4);
                switch (reader.GetString(2))
                {
                    case EventTypes.PageView:
                        entry.Visits += count;
                        var source = reader.GetString(3);
                        entry.Sources[source] = entry.Sources.GetValueOrDefault(source) + count;
                        break;
                    case EventTypes.RewardView: entry.RewardViews += count; break;
                    case EventTypes.CartCreated: entry.Carts += count; break;
                    case EventTypes.CheckoutStarted: entry.Checkouts += count; break;
                    case EventTypes.CheckoutFailed: entry.Failures += count; break;
                    case EventTypes.PledgeCompleted: entry.Pledges += count; break;
                }
                raw[key] = entry;
            }
        }
        return raw.ToDictionary(r => r.Key, r => new BucketCounts(r.Key.Item2, r.Value.Visits, r.Value.Checkouts, r.Value.Failures, r.Value.Pledges, r.Value.Sources,
            r.Value.RewardViews, r.Value.Carts));
    }

    /// <summary>One campaign's series from <paramref name="from"/> to <paramref name="end"/>, empty buckets included.</summary>
    public static List<BucketCounts> Fill(Dictionary<(Guid, DateTimeOffset), BucketCounts> counts, Guid campaign, DateTimeOffset from, DateTimeOffset end)
    {
        var buckets = new List<BucketCounts>();
        for (var at = from; at < end; at += BucketCounts.Width)
        {
            buckets.Add(counts.TryGetValue((campaign, at), out var b) ? b : BucketCounts.Empty(at));
        }
        return buckets;
    }
}
