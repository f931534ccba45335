namespace Crowdstart.Dashboard.Services;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>What the pages share: formatting, the live campaign source and the dashboard's own metrics.</summary>
    public static WebApplicationBuilder AddDashboardServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DashboardFormatter>();
        builder.Services.AddSingleton<CampaignLiveSource>();
        builder.Services.AddSingleton<DashboardMetrics>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitMetricsHandler>();
        return builder;
    }
}
