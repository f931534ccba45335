using Crowdstart.Pipeline.Retention;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Cluster;
using Crowdstart.Pipeline.Demo;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Observability;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Query;
using Crowdstart.Pipeline.Recommendations;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline;

/// <summary>Registers the pipeline (ingestion, the log, processing, storage and the features built on them).</summary>
public static class PipelineExtensions
{
    /// <summary>Connection string name used for PostgreSQL.</summary>
    public const string ConnectionStringName = Configuration.ConnectionStrings.Crowdstart;

    /// <summary>
    /// One registration per feature folder. Hosted services start in registration order, so the calls keep it:
    /// the bus between instances (cluster), the appender (log), consumers (processing), lag monitor (observability), day-partition upkeep (storage),
    /// demo traffic, the alert monitor and webhook dispatcher, the forecasts (recommendations have no background service), then the retention job.
    /// </summary>
    public static IHostApplicationBuilder AddPipeline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddCluster();
        builder.AddEventLog();
        builder.AddIngestion();
        builder.AddProcessing();
        builder.AddObservability();
        builder.AddStorage();
        builder.AddCampaignMetrics();
        builder.AddQuery();
        builder.AddDemo();
        builder.AddAccounts();
        builder.AddAlerts();
        builder.AddForecast();
        builder.AddRecommendations();
        builder.AddPrivacy();
        builder.AddRetention();
        return builder;
    }

    /// <summary>Migrates the database, prepares the log and, in demo mode, seeds the demo campaigns.</summary>
    public static async Task InitializePipelineAsync(this IHost app, CancellationToken ct = default)
    {
        // Settings are checked before the database is touched: a bad one changes nothing and is reported with
        // every other bad one, rather than after a migration when the host starts.
        app.Services.GetService<IStartupValidator>()?.Validate();
        await StorageInitializer.InitializeAsync(app.Services, ct);
        if (app.Services.GetRequiredService<IOptions<LogOptions>>().Value.Engine == LogEngine.JetStream)
        {
            await EnsureStreamAsync(app.Services.GetRequiredService<Log.JetStream.JetStreamLog>(), ct);
        }
        var store = app.Services.GetRequiredService<CampaignStore>();
        if (app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled)
        {
            await DemoCampaigns.SeedAsync(
                app.Services.GetRequiredService<IDbContextFactory<CrowdstartDbContext>>(), store,
                app.Services.GetRequiredService<TimeProvider>(), ct);
        }
        else
        {
            await DemoCampaigns.RevokeKeysAsync(store, ct);
        }
    }

    /// <summary>The stream must exist before ingest answers: a start without a reachable JetStream fails here, naming it.</summary>
    private static async Task EnsureStreamAsync(Log.JetStream.JetStreamLog log, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await log.EnsureStreamAsync(timeout.Token);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"Log:Engine is JetStream but the stream {log.Options.Stream} could not be created or updated on {log.Options.Url} " +
                $"within 30 s (with Log:JetStream:Replicas = {log.Options.Replicas}, as many servers must be up): {ex.Message}", ex);
        }
    }
}
