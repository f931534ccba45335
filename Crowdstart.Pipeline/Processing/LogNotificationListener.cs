using Crowdstart.Pipeline.Log;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crowdstart.Pipeline.Processing;

/// <summary>
/// LISTENs for appends made by any process (the payload names the partitions) and wakes their consumers.
/// If the connection drops, consumers fall back to polling until it is re-established.
/// </summary>
public sealed class LogNotificationListener(NpgsqlDataSource dataSource, LogSignal signal, ILogger<LogNotificationListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                    signal.Signal(e.Payload.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
                await using (var cmd = new NpgsqlCommand($"LISTEN {EventLogWriter.NotifyChannel}", connection))
                {
                    await cmd.ExecuteNonQueryAsync(stoppingToken);
                }
                // Events appended while we were not listening are picked up by this wake-up.
                signal.SignalAll();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "LISTEN connection lost; consumers poll until it is back");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
