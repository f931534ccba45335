namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// Absolute links to the dashboard's pages for messages that leave the app (chat webhooks). The dashboard implements it
/// with its own URL builder and its public address; without one (or without a known address) messages carry no link.
/// </summary>
public interface ICampaignLinks
{
    /// <summary>The campaign's live page, or null when the app's public address is unknown.</summary>
    Uri? CampaignPage(Guid campaignId);
}
