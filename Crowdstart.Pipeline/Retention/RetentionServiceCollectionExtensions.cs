using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Retention;

public static class RetentionServiceCollectionExtensions
{
    /// <summary>The retention job (pipeline instances): enforces the limits of <see cref="Privacy.RetentionOptions"/> and each organisation's own.</summary>
    public static IHostApplicationBuilder AddRetention(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RetentionEnforcer>();
        if (Cluster.InstanceOptions.From(builder.Configuration).Has(Cluster.InstanceRoles.Pipeline))
        {
            builder.Services.AddHostedService<RetentionService>();
        }
        return builder;
    }
}
