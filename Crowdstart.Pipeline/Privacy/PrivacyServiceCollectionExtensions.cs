using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    /// <summary>PII rules and grant lengths, and the default retention limits (the job itself: <c>AddRetention</c>).</summary>
    public static IHostApplicationBuilder AddPrivacy(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<PrivacyOptions, ValidatePrivacyOptions>(PrivacyOptions.SectionName);
        services.AddValidatedOptions<RetentionOptions, ValidateRetentionOptions>(RetentionOptions.SectionName);
        return builder;
    }
}
