using Crowdstart.Pipeline.Configuration;
using Crowdstart.Pipeline.Privacy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Query;

public static class QueryServiceCollectionExtensions
{
    /// <summary>Ad-hoc queries: their limits, own connection pool, compiler and history.</summary>
    public static IHostApplicationBuilder AddQuery(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ExploreOptions, ValidateExploreOptions>(ExploreOptions.SectionName);
        services.AddSingleton<QueryAdmission>();
        services.AddSingleton(sp => ExploreDatabase.FromConfiguration(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<ExploreOptions>>()));
        services.AddSingleton(sp => new QueryCompiler(sp.GetRequiredService<IOptions<PrivacyOptions>>().Value));
        services.AddSingleton<ExploreService>();
        return builder;
    }
}
