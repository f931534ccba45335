using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Observability;

/// <summary>
/// <c>/readyz</c>: the database answers within two seconds, and no partition's oldest unprocessed event is older
/// than <see cref="ObservabilityOptions.ReadyMaxLagSeconds"/> (a pipeline that cannot keep up is not ready for more
/// traffic). The lag is read fresh, so the answer never rests on an old reading.
/// </summary>
public sealed class ReadinessCheck(NpgsqlDataSource dataSource, PipelineLagMonitor lag, IOptions<ObservabilityOptions> options) : IHealthCheck
{
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
        var behind = partitions.Where(p => p.OldestAge > limit).ToList();
        return behind.Count > 0
            ? HealthCheckResult.Unhealthy($"The pipeline is behind: partition(s) {string.Join(", ", behind.Select(p => p.Partition))} hold events older than {limit.TotalSeconds:0} s.", data: data)
            : HealthCheckResult.Healthy("Database reachable; pipeline caught up.", data);
    }
}
