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
        // The checkpoint row is locked first: a metrics rebuild (MetricsRebuilder) swaps a campaign's definition and
        // rows while holding every checkpoint row, so a batch reads the settings either wholly before or wholly after it.
        await LockCheckpointAsync(connection, tx, partition, checkpoint, ct);
        // Only events new to event_log count: on JetStream a resent event reaches the stream again, but its row
        // exists (same campaign and eventId), so it is not counted twice however late it comes.
        var stored = await _log.StoreAsync(connection, tx, batch, ct);
        var settings = await SettingsAsync(connection, tx, [.. stored.Select(e => e.Event.CampaignId).Distinct()], ct);
        var events = await DropDeletedCampaignsAsync(connection, tx, partition, stored, settings, ct);
        var folded = new FoldedFigures();
        folded.AddEvents(events, settings);
        await ComputeCustomerDeltasAsync(connection, tx, partition, checkpoint, newCheckpoint, events, settings, folded.Metrics, ct);
        await Fault("after-history", partition);

        await WriteMinuteRollupsAsync(connection, tx, partition, folded, ct);
        await WriteTotalsAsync(connection, tx, partition, folded, ct);
        await WriteEventCountsAsync(connection, tx, partition, folded, ct);
        await Fault("after-rollups", partition);
        await MetricWriter.WriteAsync(connection, tx, partition, folded.Metrics, ct);
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

        return new BatchResult(batch.Events.Count, newCheckpoint, folded.Minutes.Keys.Select(k => k.Campaign).Distinct().ToArray());
    }

    private static async Task LockCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition, long expected, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT \"offset\" FROM partition_checkpoints WHERE partition = @p FOR UPDATE", connection, tx);
        cmd.Parameters.AddWithValue("p", partition);
        if (await cmd.ExecuteScalarAsync(ct) is not long offset || offset != expected)
        {
            throw new CheckpointConflictException(partition, expected);
        }
    }

    /// <summary>
    /// Events of a deleted campaign (sent with a key still cached for a few seconds, or waiting in a JetStream stream)
    /// are not counted, and their rows go: deleting a campaign removes its events, and nothing may bring them back.
    /// </summary>
    private static async Task<IReadOnlyList<LoggedEvent>> DropDeletedCampaignsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition,
        IReadOnlyList<LoggedEvent> events, Dictionary<Guid, MetricSettings> settings, CancellationToken ct)
    {
        var deleted = events.Select(e => e.Event.CampaignId).Distinct().Where(c => !settings.ContainsKey(c)).ToArray();
        if (deleted.Length == 0)
        {
            return events;
        }
        await using var cmd = new NpgsqlCommand(
            "DELETE FROM event_log WHERE partition = @p AND campaign_id = ANY(@c) AND \"offset\" BETWEEN @from AND @to", connection, tx);
        cmd.Parameters.AddWithValue("p", partition);
        cmd.Parameters.AddWithValue("c", deleted);
        cmd.Parameters.AddWithValue("from", events.Min(e => e.Offset));
        cmd.Parameters.AddWithValue("to", events.Max(e => e.Offset));
        await cmd.ExecuteNonQueryAsync(ct);
        return [.. events.Where(e => settings.ContainsKey(e.Event.CampaignId))];
    }

    /// <summary>
    /// Adds to <paramref name="deltas"/> the per-customer differences a batch makes: every customer it touches is
    /// recomputed from their history in the log up to <paramref name="newCheckpoint"/>, minus their contribution up to
    /// <paramref name="oldCheckpoint"/> (none when -1). The batch's events are in event_log already.
    /// </summary>
    internal static async Task ComputeCustomerDeltasAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, int partition,
        long oldCheckpoint, long newCheckpoint, IReadOnlyList<LoggedEvent> batch, IReadOnlyDictionary<Guid, MetricSettings> settings,
        MetricDeltas deltas, CancellationToken ct)
    {
        var touched = batch.Select(e => (e.Event.CampaignId, e.Event.CustomerId)).Distinct().ToArray();
        if (touched.Length == 0)
        {
            return;
        }
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
        AddCustomerDeltas(histories, oldCheckpoint, settings, deltas);
    }

    /// <summary>The per-customer part of a fold, from histories already read (each up to the new checkpoint).</summary>
    internal static void AddCustomerDeltas(IEnumerable<KeyValuePair<(Guid Campaign, string Customer), List<HistoryEvent>>> histories, long oldCheckpoint,
        IReadOnlyDictionary<Guid, MetricSettings> settings, MetricDeltas deltas)
    {
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
    }

    /// <summary>
    /// The metric settings of the batch's campaigns, read in the batch's transaction (after its checkpoint lock), so a
    /// definition swapped by a rebuild applies from the first batch after it. Deleted campaigns are absent.
    /// </summary>
    internal static async Task<Dictionary<Guid, MetricSettings>> SettingsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid[] campaigns,
        CancellationToken ct)
    {
        var settings = new Dictionary<Guid, MetricSettings>(campaigns.Length);
        if (campaigns.Length == 0)
        {
            return settings;
        }
        await using var cmd = new NpgsqlCommand(
            "SELECT id, funnel::text, cart_window_seconds, allowed_lateness_seconds FROM campaigns WHERE id = ANY(@ids)", connection, tx);
        cmd.Parameters.AddWithValue("ids", campaigns);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            settings[reader.GetGuid(0)] = new MetricSettings(FunnelDefinition.Parse(reader.GetString(1)), TimeSpan.FromSeconds(reader.GetInt32(2)),
                TimeSpan.FromSeconds(reader.GetInt32(3)));
        }
        return settings;
    }

    internal static async Task WriteMinuteRollupsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition, FoldedFigures folded,
        CancellationToken ct)
    {
        var (minutes, metrics) = (folded.Minutes, folded.Metrics);
        if (minutes.Count == 0 && metrics.UniqueCustomers.Count == 0)
        {
            return;
        }
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

    internal static async Task WriteTotalsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition, FoldedFigures folded,
        CancellationToken ct)
    {
        var metrics = folded.Metrics;
        var carts = metrics.Carts.GroupBy(x => x.Key.Campaign)
            .ToDictionary(g => g.Key, g => (Carts: g.Sum(x => x.Value.Carts), Completed: g.Sum(x => x.Value.Completed)));
        var cohorts = metrics.Cohorts.GroupBy(x => x.Key.Campaign)
            .ToDictionary(g => g.Key, g => (Customers: g.Sum(x => x.Value.Customers), Returned: g.Sum(x => x.Value.Returned)));
        var totals = folded.Totals.Keys.Union(carts.Keys).Union(cohorts.Keys).Order().Select(c => (
            Campaign: c,
            Totals: folded.Totals.GetValueOrDefault(c) ?? new CampaignTotalsDelta(),
            Carts: carts.GetValueOrDefault(c),
            Cohorts: cohorts.GetValueOrDefault(c))).ToArray();
        if (totals.Length == 0)
        {
            return;
        }
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
            ("e", totals.Select(t => t.Totals.Events).ToArray()),
            ("pc", totals.Select(t => t.Totals.Pledges).ToArray()),
            ("pr", totals.Select(t => t.Totals.Refunds).ToArray()),
            ("pa", totals.Select(t => t.Totals.Pledged).ToArray()),
            ("ra", totals.Select(t => t.Totals.Refunded).ToArray()),
            ("l", totals.Select(t => t.Totals.Late).ToArray()),
            ("k", totals.Select(t => t.Carts.Carts).ToArray()),
            ("kc", totals.Select(t => t.Carts.Completed).ToArray()),
            ("h", totals.Select(t => t.Cohorts.Customers).ToArray()),
            ("hr", totals.Select(t => t.Cohorts.Returned).ToArray()));
    }

    internal static async Task WriteEventCountsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition, FoldedFigures folded,
        CancellationToken ct)
    {
        var counts = folded.Counts
            .Select(x => (x.Key, Count: x.Value))
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

    internal static async Task<long> ReadCheckpointAsync(NpgsqlConnection connection, int partition, CancellationToken ct)
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
