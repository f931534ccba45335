using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Crowdstart.Pipeline.Privacy;

namespace Crowdstart.Pipeline.Retention;

/// <summary>
/// Enforces each organisation's retention: raw events older than the raw limit are deleted, customer and session
/// ids older than the customer-data limit are erased from the events that remain, and aggregates older than the
/// aggregate limit are deleted (campaign-lifetime totals once the campaign ended that long ago). Each kind of data
/// is judged by its own limit only, so aggregates outlive the raw events they were computed from. Only events the
/// pipeline has already folded into the aggregates (offset at or below the checkpoint) are touched, so retention
/// can never make an acknowledged event vanish before it was counted. Work is done in bounded batches.
/// </summary>
public sealed class RetentionEnforcer(
    NpgsqlDataSource dataSource, IDbContextFactory<CrowdstartDbContext> contexts, Organisations organisations, AuditLog audit,
    IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionEnforcer> logger)
{
    /// <summary>Runs one sweep over every organisation; returns what was removed per organisation.</summary>
    public async Task<IReadOnlyList<RetentionResult>> EnforceAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var batch = Math.Max(100, options.Value.BatchSize);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var orgs = await db.Organisations.AsNoTracking().ToListAsync(ct);
        var results = new List<RetentionResult>();
        var longestAggregateDays = options.Value.AggregateDays;
        foreach (var org in orgs)
        {
            try
            {
                results.Add(await EnforceAsync(org, now, batch, ct));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One organisation's failure must not keep the others' data past its limits.
                logger.LogError(ex, "Retention for {Organisation} failed; the next sweep retries it", org.Name);
            }
            longestAggregateDays = Math.Max(longestAggregateDays, organisations.Effective(org).AggregateDays);
        }
        // Day partitions older than every organisation's aggregate limit are empty by now: drop them whole.
        var dropped = await TimeSeriesPartitions.DropBeforeAsync(dataSource, now.AddDays(-longestAggregateDays), ct);
        if (dropped.Count > 0)
        {
            logger.LogInformation("Retention dropped {Count} expired day partitions: {Partitions}", dropped.Count, string.Join(", ", dropped));
        }
        return results;
    }

    private async Task<RetentionResult> EnforceAsync(Storage.Entities.Organisation org, DateTimeOffset now, int batch, CancellationToken ct)
    {
        var limits = organisations.Effective(org);
        Guid[] campaigns;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            campaigns = await db.Campaigns.Where(c => c.OrganisationId == org.Id).Select(c => c.Id).ToArrayAsync(ct);
        }
        if (campaigns.Length == 0)
        {
            return new RetentionResult(org.Id, org.Name, 0, 0, 0);
        }
        var rawCutoff = now.AddDays(-limits.RawEventDays);
        var raw = await RepeatAsync(DeleteExpiredCustomers, campaigns, rawCutoff, batch, untilNone: true, ct)
                  + await RepeatAsync(DeleteExpiredErasedEvents, campaigns, rawCutoff, batch, untilNone: false, ct);
        var erased = await RepeatAsync(EraseExpiredCustomers, campaigns, now.AddDays(-limits.CustomerDataDays), batch, untilNone: true, ct);
        var aggregateCutoff = now.AddDays(-limits.AggregateDays);
        long aggregates = 0;
        foreach (var (table, column, _) in MetricTables.TimeSeries)
        {
            // ctid is only unique within one partition: repeating the predicate outside keeps a ctid shared with
            // another partition from deleting a row that is not expired.
            aggregates += await RepeatAsync(
                $"""
                DELETE FROM {table} WHERE campaign_id = ANY(@campaigns) AND {column} < @cutoff
                  AND ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE campaign_id = ANY(@campaigns) AND {column} < @cutoff LIMIT @batch))
                """, campaigns, aggregateCutoff, batch, untilNone: false, ct);
        }
        foreach (var table in MetricTables.Lifetime.Select(t => t.Name))
        {
            aggregates += await RepeatAsync(
                $"""
                DELETE FROM {table} t USING campaigns c
                WHERE t.campaign_id = c.id AND c.id = ANY(@campaigns) AND c.end_at IS NOT NULL AND c.end_at < @cutoff AND @batch > 0
                """, campaigns, aggregateCutoff, batch, untilNone: false, ct);
        }
        var result = new RetentionResult(org.Id, org.Name, raw, erased, aggregates);
        if (result.RemovedAnything)
        {
            logger.LogInformation(
                "Retention for {Organisation}: deleted {Raw} raw events (customers inactive > {RawDays} d), erased customer ids from {Erased} events (customers inactive > {CustomerDays} d), deleted {Aggregates} aggregate rows older than {AggregateDays} d",
                org.Name, raw, limits.RawEventDays, erased, limits.CustomerDataDays, aggregates, limits.AggregateDays);
            await audit.WriteAsync(Actor.System, AuditActions.RetentionEnforced, null,
                $"{org.Name}: {raw} raw events deleted (> {limits.RawEventDays} d), customer ids erased from {erased} events (> {limits.CustomerDataDays} d), {aggregates} aggregate rows deleted (> {limits.AggregateDays} d)",
                ct);
        }
        return result;
    }

    // A customer's history expires as a whole, counted from their last event: the pipeline recomputes a returning
    // customer's metrics from their history in the log, and half a history would make it subtract what it never
    // added. Only customers whose every event is folded in (offset at or below the checkpoint of their partition;
    // a customer lives in one partition) are chosen, and rows appended meanwhile are spared by the outer filter.
    private const string ExpiredCustomers =
        $"""
        SELECT e.campaign_id, e.customer_id FROM event_log e
        WHERE e.campaign_id = ANY(@campaigns) AND e.customer_id <> '{CustomerData.ErasedCustomerId}'
        GROUP BY e.campaign_id, e.customer_id, e.partition
        HAVING max(e.occurred_at) < @cutoff
           AND max(e."offset") <= (SELECT c."offset" FROM partition_checkpoints c WHERE c.partition = e.partition)
        LIMIT @batch
        """;

    private const string DeleteExpiredCustomers =
        $"""
        WITH doomed AS ({ExpiredCustomers})
        DELETE FROM event_log e USING doomed d, partition_checkpoints c
        WHERE e.campaign_id = d.campaign_id AND e.customer_id = d.customer_id
          AND c.partition = e.partition AND e."offset" <= c."offset" AND e.occurred_at < @cutoff
        """;

    // Events whose ids were already erased belong to nobody any more: they expire one by one.
    private const string DeleteExpiredErasedEvents =
        $"""
        WITH doomed AS (
            SELECT e.partition, e."offset" FROM event_log e JOIN partition_checkpoints c ON c.partition = e.partition
            WHERE e.campaign_id = ANY(@campaigns) AND e.customer_id = '{CustomerData.ErasedCustomerId}'
              AND e.occurred_at < @cutoff AND e."offset" <= c."offset"
            LIMIT @batch)
        DELETE FROM event_log e USING doomed d WHERE e.partition = d.partition AND e."offset" = d."offset"
        """;

    private const string EraseExpiredCustomers =
        $"""
        WITH doomed AS ({ExpiredCustomers})
        UPDATE event_log e SET customer_id = '{CustomerData.ErasedCustomerId}', session_id = '{CustomerData.ErasedCustomerId}'
        FROM doomed d, partition_checkpoints c
        WHERE e.campaign_id = d.campaign_id AND e.customer_id = d.customer_id
          AND c.partition = e.partition AND e."offset" <= c."offset" AND e.occurred_at < @cutoff
        """;

    /// <summary>
    /// Runs <paramref name="sql"/> until it is done: until a statement affects nothing (<paramref name="untilNone"/>, for
    /// statements whose batch counts customers) or fewer rows than a batch (statements whose batch counts rows).
    /// </summary>
    private async Task<long> RepeatAsync(string sql, Guid[] campaigns, DateTimeOffset cutoff, int batch, bool untilNone, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            await using var cmd = dataSource.CreateCommand(sql);
            cmd.Parameters.AddWithValue("campaigns", campaigns);
            cmd.Parameters.AddWithValue("cutoff", cutoff);
            cmd.Parameters.AddWithValue("batch", batch);
            var affected = await cmd.ExecuteNonQueryAsync(ct);
            total += affected;
            if (untilNone ? affected == 0 : affected < batch)
            {
                return total;
            }
        }
    }
}
