using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Observability;

/// <summary>
/// Reads every partition's backlog (appended minus processed, and the oldest unprocessed event's age) on an
/// interval, for the lag gauges and the readiness check. Two primary-key lookups per partition.
/// </summary>
public sealed class PipelineLagMonitor(NpgsqlDataSource dataSource, PipelineMetrics metrics, TimeProvider time, IOptions<ObservabilityOptions> options,
    ILogger<PipelineLagMonitor> logger) : BackgroundService
{
    /// <summary>Reads the lag now.</summary>
    public async Task<IReadOnlyList<PartitionLag>> ReadAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT p.partition, greatest(0, p.next_offset - 1 - c."offset"), e.received_at
            FROM log_partitions p
            JOIN partition_checkpoints c ON c.partition = p.partition
            LEFT JOIN event_log e ON e.partition = p.partition AND e."offset" = c."offset" + 1
            ORDER BY p.partition
            """);
        var now = time.GetUtcNow();
        var lag = new List<PartitionLag>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var age = reader.IsDBNull(2) ? TimeSpan.Zero : now - new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc));
            lag.Add(new PartitionLag(reader.GetInt32(0), reader.GetInt64(1), age < TimeSpan.Zero ? TimeSpan.Zero : age));
        }
        metrics.SetLag(lag, now);
        return lag;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.LagIntervalSeconds)), time);
        do
        {
            try
            {
                await ReadAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database is away; readiness reports it on its own. Keep trying.
                logger.LogDebug(ex, "Could not read the pipeline lag");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
