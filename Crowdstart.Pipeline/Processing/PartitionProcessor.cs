using Crowdstart.Pipeline.Log;
using Npgsql;

namespace Crowdstart.Pipeline.Processing;

/// <summary>Thrown when a partition's checkpoint moved under us (another consumer); the batch is rolled back.</summary>
public sealed class CheckpointConflictException(int partition, long expected)
    : Exception($"Checkpoint of partition {partition} is no longer at offset {expected}; another consumer owns it.");

/// <summary>
/// Folds one batch of a partition into the minute rollups. The rollup upserts, the unique-customer
/// bookkeeping and the checkpoint move commit in one transaction, and the checkpoint only moves forward
/// from the value the batch was read after, so a crash anywhere neither loses nor double-counts an event.
/// </summary>
public sealed class PartitionProcessor(NpgsqlDataSource dataSource, int batchSize)
{
    /// <summary>Called at named points of a batch; tests throw from it to simulate a crash.</summary>
    public Func<string, int, Task>? FaultInjector { get; set; }

    /// <summary>Processes the next batch of <paramref name="partition"/>; returns the batch, empty when caught up.</summary>
    public async Task<BatchResult> ProcessNextBatchAsync(int partition, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var checkpoint = await ReadCheckpointAsync(connection, partition, ct);
        var events = await EventLogReader.ReadAsync(connection, partition, checkpoint, batchSize, ct);
        if (events.Count == 0)
        {
            return BatchResult.Empty;
        }
        await Fault("after-read", partition);

        var deltas = MinuteAggregator.Aggregate(events.Select(e => e.Event));
        var newCheckpoint = events[^1].Offset;

        await using var tx = await connection.BeginTransactionAsync(ct);

        // Exact uniques: a customer counts once per campaign minute however many batches mention them.
        var newUniques = new Dictionary<(Guid, DateTimeOffset), long>();
        {
            var campaigns = new List<Guid>();
            var minutes = new List<DateTimeOffset>();
            var customers = new List<string>();
            foreach (var ((campaign, minute), d) in deltas)
            {
                foreach (var c in d.Customers)
                {
                    campaigns.Add(campaign);
                    minutes.Add(minute);
                    customers.Add(c);
                }
            }
            await using var cmd = new NpgsqlCommand(
                """
                INSERT INTO campaign_minute_customers (campaign_id, minute, customer_id)
                SELECT * FROM unnest(@c, @m, @u)
                ON CONFLICT DO NOTHING
                RETURNING campaign_id, minute
                """, connection, tx);
            cmd.Parameters.AddWithValue("c", campaigns.ToArray());
            cmd.Parameters.AddWithValue("m", minutes.ToArray());
            cmd.Parameters.AddWithValue("u", customers.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = (reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1));
                newUniques[key] = newUniques.GetValueOrDefault(key) + 1;
            }
        }
        await Fault("after-uniques", partition);

        {
            var keys = deltas.Keys.ToArray();
            await using var cmd = new NpgsqlCommand(
                """
                INSERT INTO campaign_minute_rollups AS r (campaign_id, minute, partition, page_views, reward_views, carts_created,
                    checkouts_started, checkouts_failed, pledges_completed, pledges_refunded, unique_customers, pledged_amount, refunded_amount)
                SELECT v.c, v.m, @p, v.pv, v.rv, v.cc, v.cs, v.cf, v.pc, v.pr, v.uq, v.pa, v.ra
                FROM unnest(@c, @m, @pv, @rv, @cc, @cs, @cf, @pc, @pr, @uq, @pa, @ra) AS v(c, m, pv, rv, cc, cs, cf, pc, pr, uq, pa, ra)
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
                """, connection, tx);
            cmd.Parameters.AddWithValue("p", partition);
            cmd.Parameters.AddWithValue("c", keys.Select(k => k.Campaign).ToArray());
            cmd.Parameters.AddWithValue("m", keys.Select(k => k.Minute).ToArray());
            cmd.Parameters.AddWithValue("pv", keys.Select(k => deltas[k].PageViews).ToArray());
            cmd.Parameters.AddWithValue("rv", keys.Select(k => deltas[k].RewardViews).ToArray());
            cmd.Parameters.AddWithValue("cc", keys.Select(k => deltas[k].CartsCreated).ToArray());
            cmd.Parameters.AddWithValue("cs", keys.Select(k => deltas[k].CheckoutsStarted).ToArray());
            cmd.Parameters.AddWithValue("cf", keys.Select(k => deltas[k].CheckoutsFailed).ToArray());
            cmd.Parameters.AddWithValue("pc", keys.Select(k => deltas[k].PledgesCompleted).ToArray());
            cmd.Parameters.AddWithValue("pr", keys.Select(k => deltas[k].PledgesRefunded).ToArray());
            cmd.Parameters.AddWithValue("uq", keys.Select(k => newUniques.GetValueOrDefault(k)).ToArray());
            cmd.Parameters.AddWithValue("pa", keys.Select(k => deltas[k].PledgedAmount).ToArray());
            cmd.Parameters.AddWithValue("ra", keys.Select(k => deltas[k].RefundedAmount).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        {
            var totals = deltas.GroupBy(d => d.Key.Campaign).Select(g => (
                Campaign: g.Key,
                Events: g.Sum(d => d.Value.PageViews + d.Value.RewardViews + d.Value.CartsCreated + d.Value.CheckoutsStarted
                    + d.Value.CheckoutsFailed + d.Value.PledgesCompleted + d.Value.PledgesRefunded),
                Pledges: g.Sum(d => d.Value.PledgesCompleted),
                Refunds: g.Sum(d => d.Value.PledgesRefunded),
                Pledged: g.Sum(d => d.Value.PledgedAmount),
                Refunded: g.Sum(d => d.Value.RefundedAmount))).ToArray();
            await using var cmd = new NpgsqlCommand(
                """
                INSERT INTO campaign_partition_totals AS t (campaign_id, partition, events, pledges_completed, pledges_refunded, pledged_amount, refunded_amount)
                SELECT v.c, @p, v.e, v.pc, v.pr, v.pa, v.ra FROM unnest(@c, @e, @pc, @pr, @pa, @ra) AS v(c, e, pc, pr, pa, ra)
                ON CONFLICT (campaign_id, partition) DO UPDATE SET
                    events = t.events + excluded.events,
                    pledges_completed = t.pledges_completed + excluded.pledges_completed,
                    pledges_refunded = t.pledges_refunded + excluded.pledges_refunded,
                    pledged_amount = t.pledged_amount + excluded.pledged_amount,
                    refunded_amount = t.refunded_amount + excluded.refunded_amount
                """, connection, tx);
            cmd.Parameters.AddWithValue("p", partition);
            cmd.Parameters.AddWithValue("c", totals.Select(t => t.Campaign).ToArray());
            cmd.Parameters.AddWithValue("e", totals.Select(t => t.Events).ToArray());
            cmd.Parameters.AddWithValue("pc", totals.Select(t => t.Pledges).ToArray());
            cmd.Parameters.AddWithValue("pr", totals.Select(t => t.Refunds).ToArray());
            cmd.Parameters.AddWithValue("pa", totals.Select(t => t.Pledged).ToArray());
            cmd.Parameters.AddWithValue("ra", totals.Select(t => t.Refunded).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await Fault("after-rollups", partition);

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

        return new BatchResult(events.Count, newCheckpoint, deltas.Keys.Select(k => k.Campaign).Distinct().ToArray());
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
/// <param name="Campaigns">Campaigns whose rollups changed.</param>
public sealed record BatchResult(int EventCount, long Checkpoint, IReadOnlyList<Guid> Campaigns)
{
    public static readonly BatchResult Empty = new(0, 0, []);
}
