using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crowdstart.Pipeline.Storage;

/// <summary>Keeps the day partitions ahead of time, hourly.</summary>
public sealed class TimeSeriesMaintenance(NpgsqlDataSource dataSource, TimeProvider time, ILogger<TimeSeriesMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await TimeSeriesPartitions.EnsureAsync(dataSource, time.GetUtcNow(), logger: logger, ct: stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(ex, "Could not create time-series partitions; retrying in an hour");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
