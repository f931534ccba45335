using Crowdstart.Dashboard.Model;
using Crowdstart.Pipeline.Recommendations;

namespace Crowdstart.Dashboard.Utils;

/// <summary>
/// Every link to a page of the dashboard, built in one place: a page that moves changes here only, and ids and
/// free text (customer ids, shared queries, return URLs) are always escaped the same way.
/// </summary>
public static class DashboardUrls
{
    public const string HomePath = "/";
    public const string NewCampaignPath = "/campaigns/new";
    public const string ExplorePath = "/explore";
    public const string ApiTokensPath = "/account/tokens";
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";

    /// <summary>The sign-in page saying that the user signed out.</summary>
    public const string SignedOut = LoginPath + "?signedOut=1";
    public const string AdminAccessPath = "/admin/access";
    public const string AdminAuditPath = "/admin/audit";
    public const string AdminOrganisationsPath = "/admin/organisations";

    public static string Campaign(Guid campaignId) => $"/campaigns/{campaignId}";

    public static string CampaignKeys(Guid campaignId) => $"{Campaign(campaignId)}/keys";

    public static string CampaignAlerts(Guid campaignId) => $"{Campaign(campaignId)}/alerts";

    public static string CampaignWebhooks(Guid campaignId) => $"{Campaign(campaignId)}/webhooks";

    public static string CampaignCustomers(Guid campaignId) => $"{Campaign(campaignId)}/customers";

    /// <summary>The campaign's settings page (details, metric definition, archive, delete).</summary>
    public static string CampaignSettings(Guid campaignId) => $"{Campaign(campaignId)}/settings";

    /// <summary>The settings page at its share-links section.</summary>
    public static string CampaignShare(Guid campaignId) => $"{CampaignSettings(campaignId)}#share";

    /// <summary>The overview, archived campaigns included.</summary>
    public const string HomeWithArchivedPath = "/?archived=1";

    /// <summary>The public, read-only wall view a share token opens (path relative to the site's root).</summary>
    public static string Shared(string token) => $"/share/{Uri.EscapeDataString(token)}";

    public static string CustomerTimeline(Guid campaignId, string customerId) =>
        $"{CampaignCustomers(campaignId)}/{Uri.EscapeDataString(customerId)}";

    /// <summary>The explorer, running the query of a shared link (<c>ExplorerForm.Encode()</c>) when one is given.</summary>
    public static string Explore(string? encodedQuery = null) =>
        string.IsNullOrEmpty(encodedQuery) ? ExplorePath : $"{ExplorePath}?q={Uri.EscapeDataString(encodedQuery)}";

    /// <summary>The explorer running <paramref name="query"/> on one campaign (a recommendation's evidence), as a shared link.</summary>
    public static string Explore(Guid campaignId, RecommendationQuery query) => Explore(ExplorerForm.For(campaignId, query).Encode());

    /// <summary>The sign-in page, coming back to <paramref name="returnUrl"/>, with an error code to show when given.</summary>
    public static string Login(string? returnUrl = null, string? error = null)
    {
        var query = new List<string>();
        if (error is not null)
        {
            query.Add("error=" + Uri.EscapeDataString(error));
        }
        if (returnUrl is not null)
        {
            query.Add("returnUrl=" + Uri.EscapeDataString(returnUrl));
        }
        return query.Count == 0 ? LoginPath : $"{LoginPath}?{string.Join('&', query)}";
    }
}
