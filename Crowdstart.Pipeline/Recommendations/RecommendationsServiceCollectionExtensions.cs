using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Recommendations;

public static class RecommendationsServiceCollectionExtensions
{
    /// <summary>The recommendation rules' inputs (with their caches) and the service that evaluates them and keeps dismissals.</summary>
    public static IHostApplicationBuilder AddRecommendations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RecommendationSignals>();
        builder.Services.AddSingleton<RecommendationService>();
        return builder;
    }
}
