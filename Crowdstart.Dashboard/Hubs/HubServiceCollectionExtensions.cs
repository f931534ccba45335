using Crowdstart.Pipeline.Configuration;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Hubs;

public static class HubServiceCollectionExtensions
{
    /// <summary><c>/hubs/campaigns</c>: its limits, the per-account connection count and SignalR.</summary>
    public static WebApplicationBuilder AddCampaignHub(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<CampaignHubOptions, ValidateCampaignHubOptions>(CampaignHubOptions.SectionName);
        services.AddSingleton<HubConnectionLimiter>();
        // AddHubOptions also copies the global hub settings into this hub's own, which a bare Configure would not.
        services.AddSignalR().AddHubOptions<CampaignHub>(_ => { });
        // Blazor circuits keep SignalR's default limit (32 KB); the public hub takes less: its calls carry a campaign id.
        services.AddOptions<HubOptions<CampaignHub>>().Configure<IOptions<CampaignHubOptions>>((o, hub) =>
            o.MaximumReceiveMessageSize = hub.Value.MaxMessageBytes);
        return builder;
    }
}
