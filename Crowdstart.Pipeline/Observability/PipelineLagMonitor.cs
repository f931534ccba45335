using Crowdstart.Pipeline.Log;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Observability;

/// <summary>
/// Reads every partition's backlog (appended minus processed, and the oldest unprocessed event's age) on an
/// interval, for the lag gauges and the readiness check, from whichever log holds the events: two primary-key
/// lookups per partition on PostgreSQL, a counting consumer and one message look-up on JetStream.
/// </summary>
public sealed class PipelineLagMonitor(NpgsqlDataSource dataSource, ILogReader log, PipelineMetrics metrics, TimeProvider time, IOptions<ObservabilityOptions> options,
    ILogger<PipelineLagMonitor> logger, IOptions<LogOptions>? logOptions = null) : BackgroundService
{
    private static readonly TimeSpan ExpiryWarningInterval = TimeSpan.FromMinutes(10);
    private DateTimeOffset _lastExpiryWarning = DateTimeOffset.MinValue;

    /// <summary>Reads the lag now.</summary>
    public async Task<IReadOnlyList<PartitionLag>> ReadAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var checkpoints = new List<(int Partition, long Offset)>();
        await using (var cmd = new NpgsqlCommand("SELECT partition, \"offset\" FROM partition_checkpoints ORDER BY partition", connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                checkpoints.Add((reader.GetInt32(0), reader.GetInt64(1)));
            }
        }
        var now = time.GetUtcNow();
        var lag = new List<PartitionLag>();
        foreach (var (partition, offset) in checkpoints)
        {
            var backlog = await log.BacklogAsync(connection, partition, new LogPosition(offset), ct);
            var age = backlog.OldestReceivedAt is { } oldest ? now - oldest : TimeSpan.Zero;
            lag.Add(new PartitionLag(partition, backlog.Pending, age < TimeSpan.Zero ? TimeSpan.Zero : age));
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
                var lag = await ReadAsync(stoppingToken);
                // Said in the log as well as on /readyz, where a probe may only see "not ready": events are about to be
                // deleted by the broker unprocessed, which no restart brings back.
                if (logOptions is not null && ReadinessCheck.ExpiryWarning(lag, logOptions.Value) is { } warning
                    && time.GetUtcNow() - _lastExpiryWarning > ExpiryWarningInterval)
                {
                    _lastExpiryWarning = time.GetUtcNow();
                    logger.LogError("{Warning}", warning);
                }
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
