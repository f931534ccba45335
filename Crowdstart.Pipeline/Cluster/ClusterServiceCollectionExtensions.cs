using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>The bus between app instances (<see cref="ClusterBus"/>): a singleton that is also the hosted listener.</summary>
    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ClusterBus>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterBus>());
        return builder;
    }
}
