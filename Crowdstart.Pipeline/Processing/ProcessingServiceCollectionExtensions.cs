using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Processing;

public static class ProcessingServiceCollectionExtensions
{
    /// <summary>The partition consumers and their wake-ups (pipeline role), and the change feed pages subscribe to.</summary>
    public static IHostApplicationBuilder AddProcessing(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ProcessingOptions, ValidateProcessingOptions>(ProcessingOptions.SectionName);
        services.AddSingleton(sp => new PartitionProcessor(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<ProcessingOptions>>().Value.BatchSize,
            sp.GetRequiredService<Log.ILogReader>()));
        services.AddSingleton(sp => new PartitionOwnership(sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<Log.LogOptions>>().Value.PartitionCount, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<PartitionOwnership>>()));
        services.AddSingleton<CampaignChangeFeed>();
        services.AddSingleton<MetricsRebuilder>();
        // Only pipeline instances consume: ownership counts the processes that ask for partitions, so an instance
        // without the role neither holds partitions nor dilutes the fair share of those that do.
        if (Cluster.InstanceOptions.From(builder.Configuration).Has(Cluster.InstanceRoles.Pipeline))
        {
            services.AddHostedService<LogNotificationListener>();
            services.AddHostedService<PipelineWorker>();
            services.AddHostedService<MetricsRebuildWorker>();
        }
        return builder;
    }
}
