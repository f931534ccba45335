using Crowdstart.Dashboard.Utils;
using Crowdstart.Pipeline.Alerts;

namespace Crowdstart.Dashboard.Services;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>What the pages share: formatting, the live campaign source, the dashboard's own metrics, and each user's
    /// dashboard settings and recent explorer queries.</summary>
    public static WebApplicationBuilder AddDashboardServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DashboardFormatter>();
        builder.Services.AddSingleton<CampaignLiveSource>();
        builder.Services.AddSingleton<PendingRequestsSource>();
        builder.Services.AddSingleton<DashboardMetrics>();
        builder.Services.AddSingleton<UserPreferences>();
        builder.Services.AddSingleton<RecentQueries>();
        // Links in chat webhooks (the alert store builds the messages on whichever instance changes an alert).
        builder.Services.AddSingleton<ICampaignLinks, CampaignLinks>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitMetricsHandler>();
        return builder;
    }
}
