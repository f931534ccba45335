using Crowdstart.Pipeline.Log;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Processing;

/// <summary>Runs one consumer loop per log partition, in parallel, until the host stops.</summary>
public sealed class PipelineWorker(
    PartitionProcessor processor,
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
        var loops = Enumerable.Range(0, logOptions.Value.PartitionCount)
            .Select(p => Task.Run(() => ConsumeAsync(p, stoppingToken), stoppingToken));
        return Task.WhenAll(loops);
    }

    private async Task ConsumeAsync(int partition, CancellationToken ct)
    {
        var poll = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.PollIntervalMilliseconds));
        var minInterval = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.MinBatchIntervalMilliseconds));
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var started = DateTime.UtcNow;
                var batch = await processor.ProcessNextBatchAsync(partition, ct);
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
