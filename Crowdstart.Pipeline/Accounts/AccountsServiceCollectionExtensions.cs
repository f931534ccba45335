using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crowdstart.Pipeline.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>Organisations, campaign access, data-access grants, customer data, keys and tokens, the audit log.</summary>
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AccessChangeFeed>();
        services.AddSingleton<CampaignAccess>();
        services.AddSingleton<DataAccessGrants>();
        services.AddSingleton<CustomerData>();
        services.AddSingleton<Organisations>();
        services.AddSingleton<IngestKeys>();
        services.AddSingleton<IngestConnection>();
        services.AddSingleton<PersonalTokens>();
        services.AddSingleton<CampaignManagement>();
        services.AddSingleton<CampaignSettings>();
        services.AddSingleton<ShareLinks>();
        return builder;
    }
}
