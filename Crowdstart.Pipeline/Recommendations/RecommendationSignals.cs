using System.Collections.Concurrent;
using Crowdstart.Pipeline.Events;
using Npgsql;

namespace Crowdstart.Pipeline.Recommendations;

/// <summary>
/// The rules' inputs that are not in the campaign's metrics snapshot: the last 24 h of raw events by device and by
/// reward tier (two bounded aggregates over <c>event_log</c>, which the explorer's index serves by campaign, type and
/// time), net pledged over the last 24 h (minute rollups), and the platform's cart totals per campaign. The page
/// recomputes its view every few seconds per watched campaign, so results are cached: a campaign's recent activity for
/// <see cref="RecentTtl"/>, the platform's cart totals for <see cref="PeersTtl"/>. Concurrent callers share one read.
/// </summary>
public sealed class RecommendationSignals(NpgsqlDataSource dataSource, TimeProvider time)
{
    public static readonly TimeSpan RecentTtl = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan PeersTtl = TimeSpan.FromSeconds(60);

    /// <summary>How far back the raw-event reads look.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromHours(24);

    /// <summary>Most devices and reward tiers read (the most frequent first); a campaign has a handful.</summary>
    public const int MaxGroups = 50;

    /// <summary>A read that takes longer is abandoned (the rules then see no recent activity until the next try).</summary>
    public const int CommandTimeoutSeconds = 5;

    private readonly ConcurrentDictionary<Guid, Cached<RecentActivity>> _recent = new();
    private Cached<IReadOnlyList<CartPeer>>? _peers;

    private sealed record Cached<T>(DateTimeOffset At, Task<T> Value);

    /// <summary>The campaign's last 24 h (fewer hours since a launch less than 24 h ago), at most <see cref="RecentTtl"/> old.</summary>
    public Task<RecentActivity> RecentAsync(Guid campaignId, DateTimeOffset launchAt, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (_recent.TryGetValue(campaignId, out var hit) && now - hit.At < RecentTtl && !hit.Value.IsFaulted && !hit.Value.IsCanceled)
        {
            return hit.Value.WaitAsync(ct);
        }
        if (_recent.Count > 10_000)
        {
            // Campaigns nobody watches any more: forget them rather than grow for ever.
            foreach (var stale in _recent.Where(e => now - e.Value.At >= RecentTtl).Select(e => e.Key).ToList())
            {
                _recent.TryRemove(stale, out _);
            }
        }
        // Not the caller's token: the read is shared by every caller within the TTL, one caller leaving must not cancel it.
        var read = ReadRecentAsync(campaignId, launchAt, now, CancellationToken.None);
        _recent[campaignId] = new Cached<RecentActivity>(now, read);
        return read.WaitAsync(ct);
    }

    /// <summary>Every campaign's goal and all-time cart totals (campaigns with carts only), at most <see cref="PeersTtl"/> old.</summary>
    public Task<IReadOnlyList<CartPeer>> CartPeersAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (Volatile.Read(ref _peers) is { } hit && now - hit.At < PeersTtl && !hit.Value.IsFaulted && !hit.Value.IsCanceled)
        {
            return hit.Value.WaitAsync(ct);
        }
        var read = ReadPeersAsync(CancellationToken.None);
        Volatile.Write(ref _peers, new Cached<IReadOnlyList<CartPeer>>(now, read));
        return read.WaitAsync(ct);
    }

    /// <summary>Forgets a campaign's cached activity (tests, and after its events were rewritten).</summary>
    public void Invalidate(Guid campaignId) => _recent.TryRemove(campaignId, out _);

    private async Task<RecentActivity> ReadRecentAsync(Guid campaignId, DateTimeOffset launchAt, DateTimeOffset now, CancellationToken ct)
    {
        var from = now - Lookback;
        var hours = Math.Clamp((now - launchAt).TotalHours, 0, Lookback.TotalHours);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            Timeout = CommandTimeoutSeconds,
            BatchCommands =
            {
                Command($"""
                    SELECT coalesce(properties->>'device', ''),
                           count(*) FILTER (WHERE type = '{EventTypes.CheckoutStarted}'),
                           count(*) FILTER (WHERE type = '{EventTypes.CheckoutFailed}')
                    FROM event_log
                    WHERE campaign_id = @c AND type IN ('{EventTypes.CheckoutStarted}', '{EventTypes.CheckoutFailed}')
                      AND occurred_at >= @from AND occurred_at < @to
                    GROUP BY 1 ORDER BY 2 + 3 DESC, 1 LIMIT {MaxGroups}
                    """),
                Command($"""
                    SELECT properties->>'reward',
                           count(DISTINCT customer_id) FILTER (WHERE type = '{EventTypes.RewardView}'),
                           count(DISTINCT customer_id) FILTER (WHERE type = '{EventTypes.PledgeCompleted}'),
                           coalesce(sum(amount) FILTER (WHERE type = '{EventTypes.PledgeCompleted}'), 0)
                    FROM event_log
                    WHERE campaign_id = @c AND type IN ('{EventTypes.RewardView}', '{EventTypes.PledgeCompleted}')
                      AND occurred_at >= @from AND occurred_at < @to AND properties->>'reward' IS NOT NULL
                    GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {MaxGroups}
                    """),
                Command("""
                    SELECT coalesce(sum(pledged_amount - refunded_amount), 0)
                    FROM campaign_minute_rollups WHERE campaign_id = @c AND minute >= @from AND minute < @to
                    """),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var devices = new List<DeviceCheckouts>();
        while (await reader.ReadAsync(ct))
        {
            devices.Add(new DeviceCheckouts(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        await reader.NextResultAsync(ct);
        var rewards = new List<RewardInterest>();
        while (await reader.ReadAsync(ct))
        {
            rewards.Add(new RewardInterest(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3)));
        }
        await reader.NextResultAsync(ct);
        var net = await reader.ReadAsync(ct) ? reader.GetDecimal(0) : 0m;
        return new RecentActivity(devices, rewards, net, hours);

        NpgsqlBatchCommand Command(string sql) => new(sql)
        {
            Parameters = { new("c", campaignId), new("from", from), new("to", now) },
        };
    }

    private async Task<IReadOnlyList<CartPeer>> ReadPeersAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT c.id, c.currency, c.goal_amount, sum(t.carts)::bigint, sum(t.carts_completed)::bigint
            FROM campaign_partition_totals t JOIN campaigns c ON c.id = t.campaign_id
            GROUP BY c.id, c.currency, c.goal_amount HAVING sum(t.carts) > 0
            """);
        cmd.CommandTimeout = CommandTimeoutSeconds;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var peers = new List<CartPeer>();
        while (await reader.ReadAsync(ct))
        {
            peers.Add(new CartPeer(reader.GetGuid(0), reader.GetString(1).Trim(), reader.GetDecimal(2), reader.GetInt64(3), reader.GetInt64(4)));
        }
        return peers;
    }
}
