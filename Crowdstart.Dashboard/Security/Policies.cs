namespace Crowdstart.Dashboard.Security;

/// <summary>Authorization policy names. Pages, API routes and hub methods name one of these (or allow anonymous).</summary>
public static class Policies
{
    /// <summary>Signed-in admins.</summary>
    public const string Admin = "admin";

    /// <summary>May see the aggregates of the campaign in the route (<c>campaignId</c>).</summary>
    public const string CampaignReader = "campaign-reader";

    /// <summary>May manage the campaign in the route: ingest keys.</summary>
    public const string CampaignManager = "campaign-manager";

    /// <summary>
    /// Signed in by cookie or by a personal API token (<c>Bearer cs_pat_…</c>): the read-only routes scripts use
    /// (ad-hoc queries, the live hub). Campaign checks happen inside, per campaign named.
    /// </summary>
    public const string Programmatic = "programmatic";

    /// <summary>Holds a live data-access grant for the campaign in the route: customer-level data.</summary>
    public const string CustomerData = "customer-data";
}

