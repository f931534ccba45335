using Microsoft.Extensions.Hosting;
using Npgsql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Crowdstart.Pipeline.Privacy;

namespace Crowdstart.Pipeline.Retention;

/// <summary>
/// Runs the retention sweep at start-up and then every <see cref="RetentionOptions.IntervalMinutes"/>. With several app
/// instances one sweep runs at a time: a sweep holds a session advisory lock for its whole run (several transactions),
/// and an instance that does not get it skips that interval, so rows are not fought over and the audit log records
/// each sweep once.
/// </summary>
public sealed class RetentionService(RetentionEnforcer enforcer, NpgsqlDataSource dataSource, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>The advisory-lock key of the sweep (one key for every instance of the database).</summary>
    public const long SweepLock = 7305115452;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Max(1, options.Value.IntervalMinutes)), time);
        try
        {
            do
            {
                try
                {
                    await SweepOnceAsync(stoppingToken);
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

    /// <summary>Runs one sweep unless another instance holds the sweep lock; returns whether it ran.</summary>
    internal async Task<bool> SweepOnceAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({SweepLock})", connection))
        {
            if (!(bool)(await tryLock.ExecuteScalarAsync(ct))!)
            {
                logger.LogDebug("Another instance is sweeping; skipping this interval");
                return false;
            }
        }
        try
        {
            await enforcer.EnforceAsync(ct);
            return true;
        }
        finally
        {
            // The pooled connection keeps its session: give the lock back explicitly.
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({SweepLock})", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
