using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>Health and metrics: lag of every partition, readiness (database + lag), instruments for OpenTelemetry.</summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ObservabilityOptions, ValidateObservabilityOptions>(ObservabilityOptions.SectionName);
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<PipelineLagMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineLagMonitor>());
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: [ObservabilityOptions.ReadyTag]);
        return builder;
    }
}
