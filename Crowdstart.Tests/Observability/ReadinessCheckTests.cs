using System.Diagnostics.Metrics;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Observability;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Crowdstart.Tests.Observability;

/// <summary>Readiness and the lag gauges on real PostgreSQL: a backlog older than the limit makes the app not ready.</summary>
[Layer(TestLayer.Database)]
public class ReadinessCheckTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private sealed class Meters : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }

    private static (ReadinessCheck Check, PipelineMetrics Metrics) Arrange(NpgsqlDataSource dataSource, FakeTimeProvider time)
    {
        var metrics = new PipelineMetrics(new Meters());
        var options = Options.Create(new ObservabilityOptions { ReadyMaxLagSeconds = 60 });
        var monitor = new PipelineLagMonitor(dataSource, new Crowdstart.Pipeline.Log.PostgresLogReader(), metrics, time, options, NullLogger<PipelineLagMonitor>.Instance);
        return (new ReadinessCheck(dataSource, monitor, options), metrics);
    }

    [Fact]
    public async Task CheckHealthAsync_BacklogOlderThanTheLimit_UnhealthyUntilProcessed()
    {
        // Arrange: events appended 2 minutes ago and not processed
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (check, metrics) = Arrange(db.DataSource, time);
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "ready-" + Guid.NewGuid().ToString("N")[..8], "Ready lamp", "EUR", 1000m, DateTimeOffset.UtcNow.AddHours(-1))).Id;
        await new EventLogWriter(db.DataSource, db.PartitionCount, TimeProvider.System).AppendAsync(
            [.. Enumerable.Range(0, 20).Select(i => EventFactory.Event(campaign, $"r-{i}", EventTypes.PageView, DateTimeOffset.UtcNow))]);
        var fresh = await check.CheckHealthAsync(new HealthCheckContext());
        time.Advance(TimeSpan.FromMinutes(2));

        // Act
        var behind = await check.CheckHealthAsync(new HealthCheckContext());
        var processor = new PartitionProcessor(db.DataSource, 1000);
        for (var p = 0; p < db.PartitionCount; p++)
        {
            while ((await processor.ProcessNextBatchAsync(p, default)).EventCount > 0)
            {
            }
        }
        var caughtUp = await check.CheckHealthAsync(new HealthCheckContext());

        // Assert
        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(HealthStatus.Unhealthy, behind.Status);
        Assert.Contains("behind", behind.Description);
        Assert.True((long)behind.Data["lag_events"] >= 20);
        Assert.Equal(HealthStatus.Healthy, caughtUp.Status);
        Assert.Equal(0L, (long)caughtUp.Data["lag_events"]);
        // Every partition reported, none behind (an empty report would pass the second line on nothing).
        Assert.Equal(Enumerable.Range(0, db.PartitionCount), metrics.Lag.Select(l => l.Partition).Order());
        Assert.All(metrics.Lag, l => Assert.Equal(0, l.Events));
    }

    [Fact]
    public async Task CheckHealthAsync_DatabaseUnreachable_Unhealthy()
    {
        await using var nowhere = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=postgres;Timeout=1");
        var (check, _) = Arrange(nowhere, new FakeTimeProvider(DateTimeOffset.UtcNow));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("database", result.Description);
    }

    [Theory]
    [InlineData("properties.email", "properties")]
    [InlineData("$", "json")]
    [InlineData("occurredAt", "occurredAt")]
    [InlineData("items[3].type", "items")]
    public void ReasonOf_FieldPaths_TopLevelName(string field, string reason)
    {
        Assert.Equal(reason, PipelineMetrics.ReasonOf(field));
    }
}
