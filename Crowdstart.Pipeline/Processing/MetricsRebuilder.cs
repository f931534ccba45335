using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crowdstart.Pipeline.Processing;

/// <summary>
/// Rebuilds one campaign's metrics from the log under a new definition (funnel steps and windows, cart window), then
/// swaps the new rows and the definition in at once. While it works the campaign keeps its old definition and figures,
/// and the pipeline keeps folding new events into them.
/// <list type="number">
/// <item>Snapshot: in one repeatable-read transaction, every partition's checkpoint X and the campaign's events up to
/// it are read customer by customer (a customer lives in one partition) and folded in memory under the new definition,
/// exactly as a batch holding all of them would be. Progress (customers done of customers in the log) is written to the
/// rebuild's row after every chunk.</item>
/// <item>Swap, in one transaction: every checkpoint row is locked (the pipeline locks its partition's row before it
/// reads any setting, so no batch straddles the swap), the events folded since the snapshot (X, Y] are folded on top
/// as the pipeline would under the new definition, the campaign's rows in every log-derived metric table are replaced,
/// and the campaign's definition is updated. Readers see the old figures until the commit, the new ones after.</item>
/// </list>
/// A crash loses only the in-memory work: the row stays <c>running</c> and another run starts over once its heartbeat
/// is old. Forecasts are left as they are (they are derived from totals the definition does not change).
/// </summary>
public sealed class MetricsRebuilder(NpgsqlDataSource dataSource, CampaignChangeFeed changes, TimeProvider time, ILogger<MetricsRebuilder> logger)
{
    /// <summary>Customers read and folded per round trip, and between two progress writes.</summary>
    public int ChunkCustomers { get; set; } = 500;

    /// <summary>A running rebuild whose heartbeat is older than this is taken over by another run.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Called at named points ("after-chunk" after each chunk's progress is written, "after-snapshot", "before-commit"); tests use it
    /// to hold a rebuild, append events meanwhile, or crash.
    /// </summary>
    public Func<string, Task>? FaultInjector { get; set; }

    /// <summary>Metric tables whose rows come from the log (all but the forecasts).</summary>
    private static readonly string[] LogDerivedTables = [.. MetricTables.All.Select(t => t.Name).Where(n => n != "campaign_forecasts")];

    /// <summary>Claims the oldest queued rebuild (or a running one whose runner went quiet); null when there is none.</summary>
    public async Task<Guid?> ClaimAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            UPDATE metrics_rebuilds SET status = 'running', started_at = coalesce(started_at, @now), heartbeat_at = @now, customers_done = 0, events = 0
            WHERE id = (SELECT id FROM metrics_rebuilds
                        WHERE status = 'queued' OR (status = 'running' AND heartbeat_at < @stale)
                        ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id
            """);
        var now = time.GetUtcNow();
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("stale", now - StaleAfter);
        return await cmd.ExecuteScalarAsync(ct) is Guid id ? id : null;
    }

    /// <summary>Runs a claimed rebuild to its end: done (swapped) or failed (with the reason; the old figures stay).</summary>
    public async Task RunAsync(Guid rebuildId, CancellationToken ct)
    {
        try
        {
            await RebuildAsync(rebuildId, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Metrics rebuild {Rebuild} failed; the campaign keeps its previous definition and figures", rebuildId);
            await using var cmd = dataSource.CreateCommand(
                "UPDATE metrics_rebuilds SET status = 'failed', finished_at = @now, error = @error WHERE id = @id AND status = 'running'");
            cmd.Parameters.AddWithValue("id", rebuildId);
            cmd.Parameters.AddWithValue("now", time.GetUtcNow());
            cmd.Parameters.AddWithValue("error", ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task RebuildAsync(Guid rebuildId, CancellationToken ct)
    {
        var (campaign, settings) = await ReadRequestAsync(rebuildId, ct);
        if (campaign == Guid.Empty)
        {
            return;
        }
        var definitions = new Dictionary<Guid, MetricSettings> { [campaign] = settings };
        var started = time.GetUtcNow();

        // 1. The snapshot, folded per partition.
        var folds = new Dictionary<int, FoldedFigures>();
        var snapshot = new Dictionary<int, long>();
        long events = 0;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct))
        {
            await using (var cmd = new NpgsqlCommand("SELECT partition, \"offset\" FROM partition_checkpoints ORDER BY partition", connection, tx))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    snapshot[reader.GetInt32(0)] = reader.GetInt64(1);
                }
            }
            var customers = new Dictionary<int, List<string>>();
            await using (var cmd = new NpgsqlCommand(
                """
                SELECT DISTINCT e.partition, e.customer_id FROM event_log e JOIN partition_checkpoints c ON c.partition = e.partition
                WHERE e.campaign_id = @c AND e."offset" <= c."offset" ORDER BY 1, 2
                """, connection, tx))
            {
                cmd.Parameters.AddWithValue("c", campaign);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var p = reader.GetInt32(0);
                    if (!customers.TryGetValue(p, out var list))
                    {
                        customers[p] = list = [];
                    }
                    list.Add(reader.GetString(1));
                }
            }
            var total = customers.Sum(c => (long)c.Value.Count);
            long done = 0;
            await ProgressAsync(rebuildId, total, done, events, ct);
            foreach (var (partition, list) in customers)
            {
                var fold = folds[partition] = new FoldedFigures();
                foreach (var chunk in list.Chunk(ChunkCustomers))
                {
                    var read = await ReadEventsAsync(connection, tx, campaign, partition, chunk, -1, snapshot[partition], ct);
                    Fold(fold, read, -1, definitions);
                    done += chunk.Length;
                    events += read.Count;
                    if (!await ProgressAsync(rebuildId, total, done, events, ct))
                    {
                        logger.LogInformation("Metrics rebuild {Rebuild} was taken over or its campaign deleted; stopping", rebuildId);
                        return;
                    }
                    await Fault("after-chunk");
                }
            }
            await tx.CommitAsync(ct);
        }
        await Fault("after-snapshot");

        // 2. The swap.
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var current = new Dictionary<int, long>();
            await using (var cmd = new NpgsqlCommand("SELECT partition, \"offset\" FROM partition_checkpoints ORDER BY partition FOR UPDATE", connection, tx))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    current[reader.GetInt32(0)] = reader.GetInt64(1);
                }
            }
            await using (var cmd = new NpgsqlCommand("SELECT 1 FROM campaigns WHERE id = @c FOR UPDATE", connection, tx))
            {
                cmd.Parameters.AddWithValue("c", campaign);
                if (await cmd.ExecuteScalarAsync(ct) is null)
                {
                    return;
                }
            }
            // The catch-up: what the pipeline folded since the snapshot, folded again under the new definition.
            var catchUp = new Dictionary<int, FoldedFigures>();
            foreach (var (partition, offset) in current)
            {
                var from = snapshot.GetValueOrDefault(partition, -1);
                if (offset <= from)
                {
                    continue;
                }
                var read = await ReadEventsAsync(connection, tx, campaign, partition, null, from, offset, ct);
                if (read.Count == 0)
                {
                    continue;
                }
                var fold = catchUp[partition] = new FoldedFigures();
                fold.AddEvents(read, definitions);
                await PartitionProcessor.ComputeCustomerDeltasAsync(connection, tx, partition, from, offset, read, definitions, fold.Metrics, ct);
                events += read.Count;
            }
            foreach (var table in LogDerivedTables)
            {
                await using var cmd = new NpgsqlCommand($"DELETE FROM {table} WHERE campaign_id = @c", connection, tx);
                cmd.Parameters.AddWithValue("c", campaign);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            foreach (var (partition, fold) in folds.Concat(catchUp))
            {
                await WriteAsync(connection, tx, partition, fold, ct);
            }
            await using (var cmd = new NpgsqlCommand(
                """
                UPDATE campaigns c SET funnel = r.funnel, cart_window_seconds = r.cart_window_seconds FROM metrics_rebuilds r
                WHERE r.id = @id AND c.id = r.campaign_id;
                UPDATE metrics_rebuilds SET status = 'done', finished_at = @now, heartbeat_at = @now, customers_done = customers_total, events = @events
                WHERE id = @id AND status = 'running'
                """, connection, tx))
            {
                cmd.Parameters.AddWithValue("id", rebuildId);
                cmd.Parameters.AddWithValue("now", time.GetUtcNow());
                cmd.Parameters.AddWithValue("events", events);
                if (await cmd.ExecuteNonQueryAsync(ct) != 2)
                {
                    // Failed or taken over meanwhile: nothing of this run is kept.
                    return;
                }
            }
            await Fault("before-commit");
            await tx.CommitAsync(ct);
        }
        logger.LogInformation("Metrics of campaign {Campaign} rebuilt from {Events} events in {Seconds:F1} s", campaign, events,
            (time.GetUtcNow() - started).TotalSeconds);
        changes.Publish([campaign]);
    }

    private static void Fold(FoldedFigures fold, IReadOnlyList<LoggedEvent> read, long oldCheckpoint, Dictionary<Guid, MetricSettings> definitions)
    {
        fold.AddEvents(read, definitions);
        var histories = read.GroupBy(e => (e.Event.CampaignId, e.Event.CustomerId))
            .Select(g => new KeyValuePair<(Guid, string), List<HistoryEvent>>(g.Key,
                [.. g.Select(e => new HistoryEvent(e.Offset, e.Event.Type, e.Event.OccurredAt, e.ReceivedAt, e.Event.SessionId, e.Event.Source))]));
        PartitionProcessor.AddCustomerDeltas(histories, oldCheckpoint, definitions, fold.Metrics);
    }

    private static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int partition, FoldedFigures fold, CancellationToken ct)
    {
        await PartitionProcessor.WriteMinuteRollupsAsync(connection, tx, partition, fold, ct);
        await PartitionProcessor.WriteTotalsAsync(connection, tx, partition, fold, ct);
        await PartitionProcessor.WriteEventCountsAsync(connection, tx, partition, fold, ct);
        await MetricWriter.WriteAsync(connection, tx, partition, fold.Metrics, ct);
    }

    /// <summary>The campaign's events of a partition in (from, to], of the given customers (all when null).</summary>
    private static async Task<List<LoggedEvent>> ReadEventsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid campaign, int partition,
        string[]? customers, long from, long to, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            SELECT "offset", received_at, event_id, type, customer_id, session_id, occurred_at, source, amount, currency
            FROM event_log WHERE partition = @p AND campaign_id = @c AND "offset" > @from AND "offset" <= @to
            {(customers is null ? "" : "AND customer_id = ANY(@u)")}
            ORDER BY "offset"
            """, connection, tx);
        cmd.Parameters.AddWithValue("p", partition);
        cmd.Parameters.AddWithValue("c", campaign);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        if (customers is not null)
        {
            cmd.Parameters.AddWithValue("u", customers);
        }
        var list = new List<LoggedEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new LoggedEvent(partition, reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), new EventRecord(
                reader.GetGuid(2), reader.GetString(3), campaign, reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetDecimal(8), reader.IsDBNull(9) ? null : reader.GetString(9), null)));
        }
        return list;
    }

    private async Task<(Guid Campaign, MetricSettings Settings)> ReadRequestAsync(Guid rebuildId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT r.campaign_id, r.funnel::text, r.cart_window_seconds, c.allowed_lateness_seconds
            FROM metrics_rebuilds r JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = @id AND r.status = 'running'
            """);
        cmd.Parameters.AddWithValue("id", rebuildId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return (Guid.Empty, null!);
        }
        return (reader.GetGuid(0), new MetricSettings(FunnelDefinition.Parse(reader.GetString(1)), TimeSpan.FromSeconds(reader.GetInt32(2)),
            TimeSpan.FromSeconds(reader.GetInt32(3))));
    }

    /// <summary>Writes progress and the heartbeat; false when the rebuild is no longer this run's (failed, taken over, deleted).</summary>
    private async Task<bool> ProgressAsync(Guid rebuildId, long total, long done, long events, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            UPDATE metrics_rebuilds SET customers_total = @total, customers_done = @done, events = @events, heartbeat_at = @now
            WHERE id = @id AND status = 'running'
            """);
        cmd.Parameters.AddWithValue("id", rebuildId);
        cmd.Parameters.AddWithValue("total", total);
        cmd.Parameters.AddWithValue("done", done);
        cmd.Parameters.AddWithValue("events", events);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private Task Fault(string point) => FaultInjector?.Invoke(point) ?? Task.CompletedTask;
}
