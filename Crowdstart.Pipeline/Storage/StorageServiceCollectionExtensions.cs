using Crowdstart.Pipeline.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Crowdstart.Pipeline.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The database: data source, EF Core contexts, campaign store, rollup reads and day-partition upkeep.</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Resolved lazily so hosts and tests can override the connection string until the container is built.
        services.AddSingleton(sp =>
        {
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStrings.Crowdstart)
                ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStrings.Crowdstart} is not configured.");
            return new NpgsqlDataSourceBuilder(connectionString).Build();
        });
        services.AddDbContextFactory<CrowdstartDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<CrowdstartDbContext>>().CreateDbContext());
        services.AddHostedService<TimeSeriesMaintenance>();
        services.AddSingleton<CampaignStore>();
        services.AddSingleton<RollupQueries>();
        return builder;
    }
}
