using Crowdstart.Pipeline.Log;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Processing;

/// <summary>Runs one consumer loop per log partition, in parallel, until the host stops.</summary>
public sealed class PipelineWorker(
    PartitionProcessor processor,
    PartitionOwnership ownership,
    ILogReader log,
    CampaignChangeFeed changes,
    Observability.PipelineMetrics metrics,
    IOptions<LogOptions> logOptions,
    IOptions<ProcessingOptions> options,
    ILogger<PipelineWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogInformation("Processing is disabled in this process");
            return Task.CompletedTask;
        }
        _busy = new bool[logOptions.Value.PartitionCount];
        var loops = Enumerable.Range(0, logOptions.Value.PartitionCount)
            .Select(p => Task.Run(() => ConsumeAsync(p, stoppingToken), stoppingToken));
        return Task.WhenAll(loops.Append(Task.Run(() => BalanceAsync(stoppingToken), stoppingToken)));
    }

    /// <summary>Partitions mid-batch: never released under a running batch.</summary>
    private bool[] _busy = [];

    /// <summary>How often this process re-checks its share of the partitions: a dead process's partitions move within it.</summary>
    public static readonly TimeSpan RebalanceInterval = TimeSpan.FromSeconds(3);

    private async Task BalanceAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ownership.RebalanceAsync(p => Volatile.Read(ref _busy[p]), ct);
                await Task.Delay(RebalanceInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Partition rebalance failed; retrying");
                await Task.Delay(RebalanceInterval, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ConsumeAsync(int partition, CancellationToken ct)
    {
        var poll = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.PollIntervalMilliseconds));
        var minInterval = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.MinBatchIntervalMilliseconds));
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            if (!ownership.Owns(partition))
            {
                try
                {
                    await Task.Delay(poll < TimeSpan.FromMilliseconds(500) ? poll : TimeSpan.FromMilliseconds(500), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            try
            {
                var started = DateTime.UtcNow;
                BatchResult batch;
                Volatile.Write(ref _busy[partition], true);
                try
                {
                    batch = await processor.ProcessNextBatchAsync(partition, ct);
                }
                finally
                {
                    Volatile.Write(ref _busy[partition], false);
                }
                failures = 0;
                if (batch.EventCount > 0)
                {
                    metrics.BatchProcessed(partition, batch.EventCount, DateTime.UtcNow - started);
                    changes.Publish(batch.Campaigns);
                    // A full batch means a backlog: go on at once. A partial one means we are caught up.
                    var rest = minInterval - (DateTime.UtcNow - started);
                    if (batch.EventCount < options.Value.BatchSize && rest > TimeSpan.Zero)
                    {
                        await Task.Delay(rest, ct);
                    }
                    continue;
                }
                await log.WaitAsync(partition, poll, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Nothing was committed for the failed batch; back off and read it again from the checkpoint.
                failures++;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(10_000, 200 * Math.Pow(2, Math.Min(failures, 6))));
                logger.LogWarning(ex, "Partition {Partition} batch failed (attempt {Attempt}); retrying in {Backoff}", partition, failures, backoff);
                try
                {
                    await Task.Delay(backoff, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
