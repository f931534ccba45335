using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Demo;

public static class DemoServiceCollectionExtensions
{
    /// <summary>Demo mode's traffic generator (it idles unless <see cref="DemoOptions.Enabled"/>).</summary>
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DemoOptions, ValidateDemoOptions>(DemoOptions.SectionName);
        // The generator posts to its own process's ingest API, so only an ingest instance drives the demo.
        if (Cluster.InstanceOptions.From(builder.Configuration).Has(Cluster.InstanceRoles.Ingest))
        {
            builder.Services.AddHostedService<DemoTrafficGenerator>();
        }
        return builder;
    }
}
