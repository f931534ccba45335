using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The campaign metrics read API, its comparisons and the live event feed.</summary>
    public static IHostApplicationBuilder AddCampaignMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IMetricsQuery, MetricsQuery>();
        builder.Services.AddSingleton<EventFeedQueries>();
        builder.Services.AddSingleton<ComparisonQuery>();
        return builder;
    }
}
