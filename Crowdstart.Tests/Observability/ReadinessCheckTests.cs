using System.Diagnostics.Metrics;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Observability;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Crowdstart.Tests.Observability;

/// <summary>Readiness and the lag gauges on real PostgreSQL, over either log engine: a backlog older than the limit makes the app not ready.</summary>
[Layer(TestLayer.Database)]
public sealed class ReadinessCheckTests(TestDatabase db) : ReadinessCheckTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class ReadinessCheckTestsOnJetStream(JetStreamTestDatabase db) : ReadinessCheckTests<JetStreamTestDatabase>(db);

/// <summary>The tests of <see cref="ReadinessCheckTests"/> on each log engine (the engine is the fixture's).</summary>
public abstract class ReadinessCheckTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private sealed class Meters : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }

    /// <summary>Readiness over <paramref name="dataSource"/>, reading the backlog through the log's shared reader (as the app does).</summary>
    private (ReadinessCheck Check, PipelineMetrics Metrics) Arrange(NpgsqlDataSource dataSource, FakeTimeProvider time)
    {
        var metrics = new PipelineMetrics(new Meters());
        var options = Options.Create(new ObservabilityOptions { ReadyMaxLagSeconds = 60 });
        var log = Options.Create(new LogOptions { Engine = db.Engine, PartitionCount = db.PartitionCount });
        var monitor = new PipelineLagMonitor(dataSource, db.Log.Reader, metrics, time, options, NullLogger<PipelineLagMonitor>.Instance, log);
        return (new ReadinessCheck(dataSource, monitor, options, log), metrics);
    }

    [Fact]
    public async Task CheckHealthAsync_BacklogOlderThanTheLimit_UnhealthyUntilProcessed()
    {
        // Arrange: events appended 2 minutes ago and not processed
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (check, metrics) = Arrange(db.DataSource, time);
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "ready-" + Guid.NewGuid().ToString("N")[..8], "Ready lamp", "EUR", 1000m, DateTimeOffset.UtcNow.AddHours(-1))).Id;
        List<EventRecord> events = [.. Enumerable.Range(0, 20).Select(i => EventFactory.Event(campaign, $"r-{i}", EventTypes.PageView, DateTimeOffset.UtcNow))];
        await db.Log.AppendAsync(events);
        // The backlog counts what the engine holds (LogBacklog.Pending): events on PostgreSQL; on JetStream messages,
        // one per partition the request's customers fall in.
        var pending = db.Engine == LogEngine.JetStream
            ? events.Select(e => Partitioner.PartitionFor(e.CustomerId, db.PartitionCount)).Distinct().Count()
            : events.Count;
        var fresh = await check.CheckHealthAsync(new HealthCheckContext());
        time.Advance(TimeSpan.FromMinutes(2));

        // Act
        var behind = await check.CheckHealthAsync(new HealthCheckContext());
        await db.Log.ProcessAllAsync();
        var caughtUp = await check.CheckHealthAsync(new HealthCheckContext());

        // Assert
        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(HealthStatus.Unhealthy, behind.Status);
        Assert.Contains("behind", behind.Description);
        Assert.True((long)behind.Data["lag_events"] >= pending, $"lag {behind.Data["lag_events"]}, expected at least {pending}");
        Assert.Equal(HealthStatus.Healthy, caughtUp.Status);
        Assert.Equal(0L, (long)caughtUp.Data["lag_events"]);
        // Every partition reported, none behind (an empty report would pass the second line on nothing).
        Assert.Equal(Enumerable.Range(0, db.PartitionCount), metrics.Lag.Select(l => l.Partition).Order());
        Assert.All(metrics.Lag, l => Assert.Equal(0, l.Events));
    }

    [Fact]
    public async Task CheckHealthAsync_BacklogPastHalfTheBrokersMaxAge_SaysEventsWillBeLostOnJetStreamOnly()
    {
        // Arrange: unprocessed events 13 h old, with JetStream's default max age of 24 h
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (check, _) = Arrange(db.DataSource, time);
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "expiry-" + Guid.NewGuid().ToString("N")[..8], "Expiry lamp", "EUR", 1000m, DateTimeOffset.UtcNow.AddHours(-1))).Id;
        await db.Log.AppendAsync([EventFactory.Event(campaign, "x-1", EventTypes.PageView, DateTimeOffset.UtcNow)]);
        time.Advance(TimeSpan.FromHours(13));

        // Act
        var result = await check.CheckHealthAsync(new HealthCheckContext());
        await db.Log.ProcessAllAsync();

        // Assert: the table keeps unprocessed events until they are processed, the broker does not
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        if (db.Engine == LogEngine.JetStream)
        {
            Assert.Contains("will be lost", result.Description);
            Assert.Contains("within 11.0 h", result.Description);
        }
        else
        {
            Assert.Contains("behind", result.Description);
        }
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
