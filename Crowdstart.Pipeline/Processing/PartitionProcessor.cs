using System.Collections.Concurrent;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Metrics;
using Npgsql;

namespace Crowdstart.Pipeline.Processing;

/// <summary>
/// Folds one batch of a partition into every metric table, in one transaction with the checkpoint move.
/// <para>
/// Additive figures (events per minute and per 10 s, revenue, totals) are summed from the batch. Per-customer
/// metrics (unique customers, sliding-window conversion, funnel, cohorts, cart completion) are recomputed for
/// each customer the batch touches from that customer's whole history in the log, once as it was before the
/// batch (offsets up to the old checkpoint) and once including it; only the difference is written. A customer
/// lives in one partition, so the history is complete, out-of-order and late events land where they belong,
/// and results are replaced rather than added twice. The checkpoint only moves forward from the value the
/// batch was read after, so a crash anywhere neither loses nor double-counts.
/// </para>
/// </summary>
public sealed class PartitionProcessor(NpgsqlDataSource dataSource, int batchSize, ILogReader? log = null)
{
    private readonly ILogReader _log = log ?? new PostgresLogReader();

    // Campaign settings are fixed at creation, so caching them cannot make two batches disagree.
    private readonly ConcurrentDictionary<Guid, MetricSettings> _settings = new();

    /// <summary>Called at named points of a batch; tests throw from it to simulate a crash.</summary>
    public Func<string, int, Task>? FaultInjector { get; set; }

    /// <summary>Processes the next batch of <paramref name="partition"/>; returns the batch, empty when caught up.</summary>
    public async Task<BatchResult> ProcessNextBatchAsync(int partition, CancellationToken ct)
    {
        try
        {
            return await ProcessAsync(partition, ct);
        }
        catch
        {
            // Nothing of a failed batch was committed: what the reader read ahead is read again from the checkpoint.
            _log.Reset(partition);
            throw;
        }
    }

    private async Task<BatchResult> ProcessAsync(int partition, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var checkpoint = await ReadCheckpointAsync(connection, partition, ct);
        var batch = await _log.ReadAsync(connection, partition, new LogPosition(checkpoint), batchSize, ct);
        if (batch.Events.Count == 0)
        {
            return BatchResult.Empty;
        }
        await Fault("after-read", partition);
        var newCheckpoint = batch.End.Value;

        await using var tx = await connection.BeginTransactionAsync(ct);
        // Only events new to event_log count: on JetStream a resent event reaches the stream again, but its row
        // exists (same campaign and eventId), so it is not counted twice however late it comes.
        var events = await _log.StoreAsync(connection, tx, batch, ct);
        var minutes = MinuteAggregator.Aggregate(events.Select(e => e.Event));
        var settings = new Dictionary<Guid, MetricSettings>();
        foreach (var campaign in events.Select(e => e.Event.CampaignId).Distinct())
        {
            settings[campaign] = await SettingsAsync(connection, tx, campaign, ct);
        }
        bool IsLate(LoggedEvent e) => e.ReceivedAt - e.Event.OccurredAt > settings[e.Event.CampaignId].AllowedLateness;
        var metrics = await ComputeCustomerDeltasAsync(connection, tx, partition, checkpoint, newCheckpoint, events, settings, ct);
        await Fault("after-history", partition);

        await WriteMinuteRollupsAsync(connection, tx, partition, minutes, metrics, ct);
        await WriteTotalsAsync(connection, tx, partition, events, metrics, IsLate, ct);
        await WriteEventCountsAsync(connection, tx, partition, events.Where(e => !IsLate(e)), ct);
        await Fault("after-rollups", partition);
        await MetricWriter.WriteAsync(connection, tx, partition, metrics, ct);
        await Fault("after-metrics", partition);

        await using (var cmd = new NpgsqlCommand(
            "UPDATE partition_checkpoints SET \"offset\" = @new, updated_at = now() WHERE partition = @p AND \"offset\" = @old AND @new > @old",
            connection, tx))
        {
            cmd.Parameters.AddWithValue("p", partition);
            cmd.Parameters.AddWithValue("old", checkpoint);
            cmd.Parameters.AddWithValue("new", newCheckpoint);
            if (await cmd.ExecuteNonQueryAsync(ct) != 1)
            {
                throw new CheckpointConflictException(partition, checkpoint);
            }
        }
        await Fault("before-commit", partition);

        await tx.CommitAsync(ct);
        await Fault("after-commit", partition);

        return new BatchResult(batch.Events.Count, newCheckpoint, minutes.Keys.Select(k => k.Campaign).Distinct().ToArray());
    }

    private async Task<MetricDeltas> ComputeCustomerDeltasAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition,
        long oldCheckpoint, long newCheckpoint, IReadOnlyList<LoggedEvent> batch, Dictionary<Guid, MetricSettings> settings, CancellationToken ct)
    {
        var touched = batch.Select(e => (e.Event.CampaignId, e.Event.CustomerId)).Distinct().ToArray();
        var histories = new Dictionary<(Guid, string), List<HistoryEvent>>(touched.Length);
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT e.campaign_id, e.customer_id, e."offset", e.type, e.occurred_at, e.received_at, e.session_id, e.source
            FROM event_log e JOIN unnest(@c, @u) AS t(campaign_id, customer_id)
              ON e.campaign_id = t.campaign_id AND e.customer_id = t.customer_id
            WHERE e.partition = @p AND e."offset" <= @new
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("c", touched.Select(t => t.CampaignId).ToArray());
            cmd.Parameters.AddWithValue("u", touched.Select(t => t.CustomerId).ToArray());
            cmd.Parameters.AddWithValue("p", partition);
            cmd.Parameters.AddWithValue("new", newCheckpoint);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = (reader.GetGuid(0), reader.GetString(1));
                if (!histories.TryGetValue(key, out var list))
                {
                    histories[key] = list = [];
                }
                list.Add(new HistoryEvent(reader.GetInt64(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4),
                    reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), reader.GetString(7)));
            }
        }

        var deltas = new MetricDeltas();
        foreach (var ((campaign, _), history) in histories)
        {
            var before = history.Any(h => h.Offset <= oldCheckpoint)
                ? CustomerContribution.Compute(history.Where(h => h.Offset <= oldCheckpoint), settings[campaign])
                : null;
            var after = CustomerContribution.Compute(history, settings[campaign]);
            if (before is not null)
            {
                deltas.Add(campaign, before, -1);
            }
            deltas.Add(campaign, after, +1);
            deltas.AddCoverage(campaign, before, after, history.Where(h => h.Offset > oldCheckpoint).Select(h => h.OccurredAt));
        }
        return deltas;
    }

    private async Task<MetricSettings> SettingsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid campaign, CancellationToken ct)
    {
        if (_settings.TryGetValue(campaign, out var cached))
        {
            return cached;
        }
        await using var cmd = new NpgsqlCommand(
            "SELECT funnel::text, cart_window_seconds, allowed_lateness_seconds FROM campaigns WHERE id = @id", connection, tx);
        cmd.Parameters.AddWithValue("id", campaign);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        // Ingest only accepts events of existing campaigns; anything else is a broken log, not a default to guess.
        if (!await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException($"The log holds events of campaign {campaign}, which does not exist.");
        }
        var settings = new MetricSettings(FunnelDefinition.Parse(reader.GetString(0)), TimeSpan.FromSeconds(reader.GetInt32(1)),
            TimeSpan.FromSeconds(reader.GetInt32(2)));
        return _settings[campaign] = settings;
    }

    private static async Task WriteMinuteRollupsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition,
        Dictionary<(Guid Campaign, DateTimeOffset Minute), MinuteDelta> minutes, MetricDeltas metrics, CancellationToken ct)
    {
        var keys = minutes.Keys.Union(metrics.UniqueCustomers.Keys).ToArray();
        MinuteDelta D((Guid, DateTimeOffset) k) => minutes.TryGetValue(k, out var d) ? d : Empty;
        await MetricWriter.ExecuteAsync(connection, tx, partition,
            """
            INSERT INTO campaign_minute_rollups AS r (campaign_id, minute, partition, page_views, reward_views, carts_created,
                checkouts_started, checkouts_failed, pledges_completed, pledges_refunded, unique_customers, pledged_amount, refunded_amount)
            SELECT v.c, v.m, @p, v.pv, v.rv, v.cc, v.cs, v.cf, v.pc, v.pr, v.uq, v.pa, v.ra
            FROM unnest(@c, @m, @pv, @rv, @cc, @cs, @cf, @pc, @pr, @uq, @pa, @ra) AS v(c, m, pv, rv, cc, cs, cf, pc, pr, uq, pa, ra)
            ORDER BY v.c, v.m
            ON CONFLICT (campaign_id, minute, partition) DO UPDATE SET
                page_views = r.page_views + excluded.page_views,
                reward_views = r.reward_views + excluded.reward_views,
                carts_created = r.carts_created + excluded.carts_created,
                checkouts_started = r.checkouts_started + excluded.checkouts_started,
                checkouts_failed = r.checkouts_failed + excluded.checkouts_failed,
                pledges_completed = r.pledges_completed + excluded.pledges_completed,
                pledges_refunded = r.pledges_refunded + excluded.pledges_refunded,
                unique_customers = r.unique_customers + excluded.unique_customers,
                pledged_amount = r.pledged_amount + excluded.pledged_amount,
                refunded_amount = r.refunded_amount + excluded.refunded_amount
            """, ct,
            ("c", keys.Select(k => k.Campaign).ToArray()),
            ("m", keys.Select(k => k.Minute).ToArray()),
            ("pv", keys.Select(k => D(k).PageViews).ToArray()),
            ("rv", keys.Select(k => D(k).RewardViews).ToArray()),
            ("cc", keys.Select(k => D(k).CartsCreated).ToArray()),
            ("cs", keys.Select(k => D(k).CheckoutsStarted).ToArray()),
            ("cf", keys.Select(k => D(k).CheckoutsFailed).ToArray()),
            ("pc", keys.Select(k => D(k).PledgesCompleted).ToArray()),
            ("pr", keys.Select(k => D(k).PledgesRefunded).ToArray()),
            ("uq", keys.Select(k => metrics.UniqueCustomers.GetValueOrDefault(k)).ToArray()),
            ("pa", keys.Select(k => D(k).PledgedAmount).ToArray()),
            ("ra", keys.Select(k => D(k).RefundedAmount).ToArray()));
    }

    private static readonly MinuteDelta Empty = new();

    private static async Task WriteTotalsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition, IReadOnlyList<LoggedEvent> events,
        MetricDeltas metrics, Func<LoggedEvent, bool> isLate, CancellationToken ct)
    {
        var carts = metrics.Carts.GroupBy(x => x.Key.Campaign)
            .ToDictionary(g => g.Key, g => (Carts: g.Sum(x => x.Value.Carts), Completed: g.Sum(x => x.Value.Completed)));
        var cohorts = metrics.Cohorts.GroupBy(x => x.Key.Campaign)
            .ToDictionary(g => g.Key, g => (Customers: g.Sum(x => x.Value.Customers), Returned: g.Sum(x => x.Value.Returned)));
        var totals = events.GroupBy(e => e.Event.CampaignId).Select(g => (
            Campaign: g.Key,
            Events: (long)g.Count(),
            Pledges: (long)g.Count(e => e.Event.Type == EventTypes.PledgeCompleted),
            Refunds: (long)g.Count(e => e.Event.Type == EventTypes.PledgeRefunded),
            Pledged: g.Where(e => e.Event.Type == EventTypes.PledgeCompleted).Sum(e => e.Event.Amount ?? 0),
            Refunded: g.Where(e => e.Event.Type == EventTypes.PledgeRefunded).Sum(e => e.Event.Amount ?? 0),
            Late: (long)g.Count(isLate),
            Carts: carts.GetValueOrDefault(g.Key),
            Cohorts: cohorts.GetValueOrDefault(g.Key))).OrderBy(t => t.Campaign).ToArray();
        await MetricWriter.ExecuteAsync(connection, tx, partition,
            """
            INSERT INTO campaign_partition_totals AS t (campaign_id, partition, events, pledges_completed, pledges_refunded, pledged_amount,
                refunded_amount, late_events, carts, carts_completed, cohort_customers, cohort_returned)
            SELECT v.c, @p, v.e, v.pc, v.pr, v.pa, v.ra, v.l, v.k, v.kc, v.h, v.hr
            FROM unnest(@c, @e, @pc, @pr, @pa, @ra, @l, @k, @kc, @h, @hr) AS v(c, e, pc, pr, pa, ra, l, k, kc, h, hr)
            ON CONFLICT (campaign_id, partition) DO UPDATE SET
                carts = t.carts + excluded.carts,
                carts_completed = t.carts_completed + excluded.carts_completed,
                cohort_customers = t.cohort_customers + excluded.cohort_customers,
                cohort_returned = t.cohort_returned + excluded.cohort_returned,
                events = t.events + excluded.events,
                pledges_completed = t.pledges_completed + excluded.pledges_completed,
                pledges_refunded = t.pledges_refunded + excluded.pledges_refunded,
                pledged_amount = t.pledged_amount + excluded.pledged_amount,
                refunded_amount = t.refunded_amount + excluded.refunded_amount,
                late_events = t.late_events + excluded.late_events
            """, ct,
            ("c", totals.Select(t => t.Campaign).ToArray()),
            ("e", totals.Select(t => t.Events).ToArray()),
            ("pc", totals.Select(t => t.Pledges).ToArray()),
            ("pr", totals.Select(t => t.Refunds).ToArray()),
            ("pa", totals.Select(t => t.Pledged).ToArray()),
            ("ra", totals.Select(t => t.Refunded).ToArray()),
            ("l", totals.Select(t => t.Late).ToArray()),
            ("k", totals.Select(t => t.Carts.Carts).ToArray()),
            ("kc", totals.Select(t => t.Carts.Completed).ToArray()),
            ("h", totals.Select(t => t.Cohorts.Customers).ToArray()),
            ("hr", totals.Select(t => t.Cohorts.Returned).ToArray()));
    }

    private static async Task WriteEventCountsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition, IEnumerable<LoggedEvent> liveEvents,
        CancellationToken ct)
    {
        var counts = liveEvents
            .GroupBy(e => (e.Event.CampaignId, Bucket: MetricWindows.Bucket(e.Event.OccurredAt), e.Event.Type, e.Event.Source))
            .Select(g => (g.Key, Count: (long)g.Count()))
            .OrderBy(x => x.Key.CampaignId).ThenBy(x => x.Key.Bucket).ThenBy(x => x.Key.Type, StringComparer.Ordinal).ThenBy(x => x.Key.Source, StringComparer.Ordinal)
            .ToArray();
        if (counts.Length == 0)
        {
            return;
        }
        await MetricWriter.ExecuteAsync(connection, tx, partition,
            """
            INSERT INTO metric_event_counts AS t (campaign_id, bucket, type, source, partition, events)
            SELECT v.c, v.b, v.t, v.s, @p, v.n FROM unnest(@c, @b, @t, @s, @n) AS v(c, b, t, s, n)
            ON CONFLICT (campaign_id, bucket, type, source, partition) DO UPDATE SET events = t.events + excluded.events
            """, ct,
            ("c", counts.Select(x => x.Key.CampaignId).ToArray()),
            ("b", counts.Select(x => x.Key.Bucket).ToArray()),
            ("t", counts.Select(x => x.Key.Type).ToArray()),
            ("s", counts.Select(x => x.Key.Source).ToArray()),
            ("n", counts.Select(x => x.Count).ToArray()));
    }

    private static async Task<long> ReadCheckpointAsync(NpgsqlConnection connection, int partition, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT \"offset\" FROM partition_checkpoints WHERE partition = @p", connection);
        cmd.Parameters.AddWithValue("p", partition);
        return await cmd.ExecuteScalarAsync(ct) is long offset
            ? offset
            : throw new InvalidOperationException($"Partition {partition} has no checkpoint row; run the storage initialisation.");
    }

    private Task Fault(string point, int partition) => FaultInjector?.Invoke(point, partition) ?? Task.CompletedTask;
}

/// <summary>What one batch did.</summary>
/// <param name="EventCount">Events folded in.</param>
/// <param name="Checkpoint">The partition's checkpoint after the batch.</param>
/// <param name="Campaigns">Campaigns whose metrics changed.</param>
public sealed record BatchResult(int EventCount, long Checkpoint, IReadOnlyList<Guid> Campaigns)
{
    public static readonly BatchResult Empty = new(0, 0, []);
}
