using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Processing;

public static class ProcessingServiceCollectionExtensions
{
    /// <summary>The partition consumers, their wake-ups and the change feed pages subscribe to.</summary>
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
        services.AddHostedService<LogNotificationListener>();
        services.AddHostedService<PipelineWorker>();
        return builder;
    }
}
