using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Crowdstart.Pipeline.Privacy;

namespace Crowdstart.Pipeline.Retention;

/// <summary>Runs the retention sweep at start-up and then every <see cref="RetentionOptions.IntervalMinutes"/>.</summary>
public sealed class RetentionService(RetentionEnforcer enforcer, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Max(1, options.Value.IntervalMinutes)), time);
        try
        {
            do
            {
                try
                {
                    await enforcer.EnforceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed sweep (database restarting, …) must never stop the host; the next interval retries.
                    logger.LogWarning(ex, "Retention sweep failed; retrying at the next interval");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
