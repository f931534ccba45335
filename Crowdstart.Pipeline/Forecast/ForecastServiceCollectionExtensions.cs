using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Forecast;

public static class ForecastServiceCollectionExtensions
{
    /// <summary>The forecaster, its corpus and store, and the service that keeps running campaigns' forecasts current (pipeline instances).</summary>
    public static IHostApplicationBuilder AddForecast(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(new Forecaster(ForecastSettings.Default));
        builder.Services.AddSingleton<TrajectoryStore>();
        builder.Services.AddSingleton<ForecastCorpusSource>();
        builder.Services.AddSingleton<ForecastStore>();
        builder.Services.AddSingleton<ForecastQuery>();
        if (Cluster.InstanceOptions.From(builder.Configuration).Has(Cluster.InstanceRoles.Pipeline))
        {
            builder.Services.AddHostedService<ForecastService>();
        }
        return builder;
    }
}
