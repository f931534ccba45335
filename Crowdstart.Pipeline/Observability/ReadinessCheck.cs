using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Observability;

/// <summary>
/// <c>/readyz</c>: the database answers within two seconds, and no partition's oldest unprocessed event is older
/// than <see cref="ObservabilityOptions.ReadyMaxLagSeconds"/> (a pipeline that cannot keep up is not ready for more
/// traffic). The lag is read fresh, so the answer never rests on an old reading. On JetStream, a backlog older than
/// half the stream's max age is reported as events about to be lost: the broker deletes messages by age whether or
/// not they were processed, so that is the last moment an operator can still save them.
/// </summary>
public sealed class ReadinessCheck(NpgsqlDataSource dataSource, PipelineLagMonitor lag, IOptions<ObservabilityOptions> options,
    IOptions<Log.LogOptions> log) : IHealthCheck
{
    /// <summary>
    /// The warning when unprocessed events are past half of what the log keeps them for (JetStream's max age), or
    /// null: they are deleted at the max age, processed or not.
    /// </summary>
    public static string? ExpiryWarning(IReadOnlyList<PartitionLag> partitions, Log.LogOptions log)
    {
        if (log.KeepsUnprocessedFor() is not { } keeps || partitions.Where(p => p.OldestAge > keeps / 2).ToList() is not { Count: > 0 } expiring)
        {
            return null;
        }
        var oldest = expiring.Max(p => p.OldestAge);
        var left = keeps - oldest;
        return $"Unprocessed events will be lost: JetStream deletes messages {keeps.TotalHours:0} h after they arrive, and partition(s) " +
            $"{string.Join(", ", expiring.Select(p => p.Partition))} hold events {oldest.TotalHours:0.0} h old. Unless the pipeline processes them " +
            (left > TimeSpan.Zero ? $"within {left.TotalHours:0.0} h, they are gone." : "now, some may already be gone.");
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        IReadOnlyList<PartitionLag> partitions;
        try
        {
            await using (var ping = dataSource.CreateCommand("SELECT 1"))
            {
                await ping.ExecuteScalarAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", ex is OperationCanceledException ? null : ex);
        }
        try
        {
            partitions = await lag.ReadAsync(timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The database answered, so it is the log (JetStream, when it is the engine) that could not say its backlog.
            return HealthCheckResult.Unhealthy("The event log's backlog could not be read.", ex is OperationCanceledException ? null : ex);
        }
        var limit = TimeSpan.FromSeconds(Math.Max(1, options.Value.ReadyMaxLagSeconds));
        var data = new Dictionary<string, object>
        {
            ["lag_events"] = partitions.Sum(p => p.Events),
            ["oldest_unprocessed_seconds"] = partitions.Count == 0 ? 0 : Math.Round(partitions.Max(p => p.OldestAge.TotalSeconds), 1),
        };
        if (ExpiryWarning(partitions, log.Value) is { } expiring)
        {
            return HealthCheckResult.Unhealthy(expiring, data: data);
        }
        var behind = partitions.Where(p => p.OldestAge > limit).ToList();
        return behind.Count > 0
            ? HealthCheckResult.Unhealthy($"The pipeline is behind: partition(s) {string.Join(", ", behind.Select(p => p.Partition))} hold events older than {limit.TotalSeconds:0} s.", data: data)
            : HealthCheckResult.Healthy("Database reachable; pipeline caught up.", data);
    }
}
