using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    /// <summary>PII rules and grant lengths, default retention limits and the retention job.</summary>
    public static IHostApplicationBuilder AddPrivacy(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<PrivacyOptions, ValidatePrivacyOptions>(PrivacyOptions.SectionName);
        services.AddValidatedOptions<RetentionOptions, ValidateRetentionOptions>(RetentionOptions.SectionName);
        services.AddSingleton<RetentionEnforcer>();
        services.AddHostedService<RetentionService>();
        return builder;
    }
}
