namespace Crowdstart.Dashboard.Hubs;

/// <summary>Settings of <c>/hubs/campaigns</c> (section <c>Hub</c>).</summary>
public sealed class CampaignHubOptions
{
    public const string SectionName = "Hub";

    /// <summary>
    /// Most open hub connections one account may hold on this instance; more are refused at connection. Counted per
    /// instance on purpose (README, "Many instances"): with N instances an account may hold N times as many.
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>Most browser circuits (open dashboard tabs) one account may hold on this instance; more are refused with 429.</summary>
    public int MaxCircuitsPerUser { get; set; } = 30;

    /// <summary>Largest message a client may send (SignalR closes the connection beyond it).</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024;
}
