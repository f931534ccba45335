using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crowdstart.Pipeline.Processing;

/// <summary>
/// Runs queued metrics rebuilds (<see cref="MetricsRebuilder"/>) one at a time on pipeline instances: checks for one
/// every second, and takes over a rebuild whose runner stopped sending heartbeats.
/// </summary>
public sealed class MetricsRebuildWorker(MetricsRebuilder rebuilder, TimeProvider time, ILogger<MetricsRebuildWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await rebuilder.ClaimAsync(stoppingToken) is { } id)
                {
                    await rebuilder.RunAsync(id, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Looking for metrics rebuilds failed; retrying");
            }
            try
            {
                await Task.Delay(Poll, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
