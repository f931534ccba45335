using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Demo;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline;

/// <summary>Registers ingestion, the log, processing and storage.</summary>
public static class PipelineExtensions
{
    /// <summary>Connection string name used for PostgreSQL.</summary>
    public const string ConnectionStringName = "Crowdstart";

    public static IHostApplicationBuilder AddPipeline(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.SectionName)
            .Validate(o => o.FailedKeyAttemptsPerWindow is >= 1 and <= 1_000_000 && o.FailedKeyWindowSeconds is >= 1 and <= 86_400,
                "Ingestion:FailedKeyAttemptsPerWindow must be between 1 and 1,000,000 and Ingestion:FailedKeyWindowSeconds between 1 and 86,400")
            .ValidateOnStart();
        services.AddOptions<LogOptions>().BindConfiguration(LogOptions.SectionName)
            .Validate(o => o.PartitionCount is >= 1 and <= 1024, "Log:PartitionCount must be between 1 and 1024");
        services.AddOptions<ProcessingOptions>().BindConfiguration(ProcessingOptions.SectionName);
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName);
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.SectionName)
            .Validate(o => o.DefaultGrantHours >= 1 && o.MaxGrantHours >= o.DefaultGrantHours && o.MaxGrantHours <= 720,
                "Privacy:DefaultGrantHours must be at least 1 and at most Privacy:MaxGrantHours, which is at most 720 (30 days)");
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName)
            .Validate(o => o.RawEventDays >= 1 && o.CustomerDataDays >= 1 && o.CustomerDataDays <= o.RawEventDays && o.AggregateDays >= 1,
                "Retention days must be at least 1, and Retention:CustomerDataDays at most Retention:RawEventDays");
        services.AddSingleton(TimeProvider.System);

        // Resolved lazily so hosts and tests can override the connection string until the container is built.
        services.AddSingleton(sp =>
        {
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not configured.");
            return new NpgsqlDataSourceBuilder(connectionString).Build();
        });
        services.AddDbContextFactory<CrowdstartDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<CrowdstartDbContext>>().CreateDbContext());

        services.AddSingleton(sp => new LogSignal(sp.GetRequiredService<IOptions<LogOptions>>().Value.PartitionCount));
        services.AddSingleton(sp => new EventLogWriter(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<LogOptions>>().Value.PartitionCount,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EventAppender>();
        services.AddHostedService(sp => sp.GetRequiredService<EventAppender>());
        services.AddSingleton(sp => new EventValidator(sp.GetRequiredService<IOptions<IngestionOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<PrivacyOptions>>().Value));
        services.AddSingleton<IngestKeyAuthenticator>();
        services.AddSingleton<IngestKeyThrottle>();
        services.AddSingleton<IngestAdmission>();

        services.AddSingleton(sp => new PartitionProcessor(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<ProcessingOptions>>().Value.BatchSize));
        services.AddSingleton<CampaignChangeFeed>();
        services.AddHostedService<LogNotificationListener>();
        services.AddHostedService<PipelineWorker>();

        // Health and metrics: lag of every partition, readiness (database + lag), instruments for OpenTelemetry.
        services.AddOptions<Observability.ObservabilityOptions>().BindConfiguration(Observability.ObservabilityOptions.SectionName);
        services.AddMetrics();
        services.AddSingleton<Observability.PipelineMetrics>();
        services.AddSingleton<Observability.PipelineLagMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<Observability.PipelineLagMonitor>());
        services.AddHealthChecks().AddCheck<Observability.ReadinessCheck>("ready", tags: [Observability.ObservabilityOptions.ReadyTag]);

        services.AddHostedService<TimeSeriesMaintenance>();
        services.AddSingleton<CampaignStore>();
        services.AddSingleton<RollupQueries>();
        services.AddSingleton<IMetricsQuery, MetricsQuery>();
        services.AddSingleton<EventFeedQueries>();
        services.AddOptions<Query.ExploreOptions>().BindConfiguration(Query.ExploreOptions.SectionName)
            .Validate(Query.ExploreOptions.Valid, "Explore: timeouts 1–600 s, work memory 4–1024 MB, 1–100 connections, a queue of 0–60 s, " +
                "and organisation limits at least the per-user ones")
            .ValidateOnStart();
        services.AddSingleton<Query.QueryAdmission>();
        services.AddSingleton(sp => Query.ExploreDatabase.FromConfiguration(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<Query.ExploreOptions>>()));
        services.AddSingleton(sp => new Query.QueryCompiler(sp.GetRequiredService<IOptions<PrivacyOptions>>().Value));
        services.AddSingleton<Query.ExploreService>();
        services.AddSingleton<Query.RecentQueries>();
        services.AddHostedService<DemoTrafficGenerator>();

        services.AddSingleton<AuditLog>();
        services.AddSingleton<AccessChangeFeed>();
        services.AddSingleton<CampaignAccess>();
        services.AddSingleton<DataAccessGrants>();
        services.AddSingleton<CustomerData>();
        services.AddSingleton<UserPreferences>();
        services.AddSingleton<Organisations>();
        services.AddSingleton<IngestKeys>();
        services.AddSingleton<PersonalTokens>();
        services.AddSingleton<CampaignManagement>();
        services.AddSingleton<RetentionEnforcer>();
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName);
        services.AddSingleton<AlertFeed>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertMonitor>());
        services.AddSingleton<WebhookStore>();
        services.AddHttpClient(WebhookDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var allowPrivate = sp.GetRequiredService<IOptions<AlertOptions>>().Value.AllowPrivateWebhookTargets;
            return new System.Net.Http.SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                // The address checked is the address connected to: a DNS answer that changes between the URL check and
                // the connection (DNS rebinding) cannot smuggle a request into the server's own network.
                ConnectCallback = async (context, ct) =>
                {
                    var addresses = await System.Net.Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                    var target = addresses.FirstOrDefault(a => allowPrivate || !WebhookStore.IsInternal(a))
                        ?? throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves only to internal addresses");
                    var socket = new System.Net.Sockets.Socket(target.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(target, context.DnsEndPoint.Port, ct);
                        return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
        });
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddHostedService<RetentionService>();
        return builder;
    }

    /// <summary>Migrates the database, prepares the log and, in demo mode, seeds the demo campaigns.</summary>
    public static async Task InitializePipelineAsync(this IHost app, CancellationToken ct = default)
    {
        await StorageInitializer.InitializeAsync(app.Services, ct);
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

    /// <summary>Maps the pipeline's HTTP API.</summary>
    public static IEndpointRouteBuilder MapPipelineApi(this IEndpointRouteBuilder routes)
    {
        routes.MapIngestApi();
        return routes;
    }
}
