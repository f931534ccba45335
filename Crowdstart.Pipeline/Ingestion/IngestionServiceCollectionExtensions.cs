using Crowdstart.Pipeline.Configuration;
using Crowdstart.Pipeline.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>The ingest API's limits, event validation, ingest-key authentication, throttling and admission.</summary>
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<IngestionOptions, ValidateIngestionOptions>(IngestionOptions.SectionName);
        // The log's appender queues ingest requests: its batch and queue sizes are ingestion settings.
        services.AddOptions<Log.AppendOptions>().Configure<IOptions<IngestionOptions>>((append, ingestion) =>
        {
            append.MaxBatchEvents = ingestion.Value.AppendBatchMaxEvents;
            append.QueueCapacityEvents = Math.Max(ingestion.Value.MaxEventsPerRequest, ingestion.Value.AppendQueueCapacityEvents);
        });
        services.AddSingleton(sp => new EventValidator(sp.GetRequiredService<IOptions<IngestionOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<PrivacyOptions>>().Value));
        services.AddSingleton<IngestKeyAuthenticator>();
        services.AddSingleton<IngestKeyThrottle>();
        services.AddSingleton<IngestAdmission>();
        services.AddSingleton<IngestActivity>();
        if (Cluster.InstanceOptions.From(builder.Configuration).Has(Cluster.InstanceRoles.Ingest))
        {
            // Only ingest instances note activity; they write it behind the requests.
            services.AddHostedService(sp => sp.GetRequiredService<IngestActivity>());
        }
        services.AddSingleton<SegmentMappingCache>();
        services.AddSingleton(sp => new SegmentMapper(sp.GetRequiredService<IOptions<PrivacyOptions>>().Value));
        return builder;
    }
}
