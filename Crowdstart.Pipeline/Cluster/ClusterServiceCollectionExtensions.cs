using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// This instance's roles, and the bus between app instances (<see cref="ClusterBus"/>): a singleton that is also
    /// the hosted listener. Every instance listens, whatever its roles: each one caches keys, serves live views or
    /// publishes the changes others must hear about.
    /// </summary>
    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<InstanceOptions, ValidateInstanceOptions>(InstanceOptions.SectionName);
        builder.Services.AddSingleton<ClusterBus>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterBus>());
        return builder;
    }
}
