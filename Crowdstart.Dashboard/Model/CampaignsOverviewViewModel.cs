using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Dashboard.Model;

/// <summary>One card of the overview.</summary>
public sealed record CampaignCard(Campaign Campaign, CampaignTotals Totals, int OpenAlerts = 0)
{
    public double GoalProgress => Campaign.GoalAmount > 0 ? (double)(Totals.NetPledged / Campaign.GoalAmount) : 0;
}

/// <summary>State of the campaigns overview: the signed-in user's campaigns only.</summary>
public sealed class CampaignsOverviewViewModel(CampaignAccess access, CurrentUser user, RollupQueries rollups, Pipeline.Alerts.AlertStore alerts)
{
    public bool Loaded { get; private set; }
    public IReadOnlyList<CampaignCard> Cards { get; private set; } = [];
    public DateTimeOffset? LastUpdate { get; private set; }

    public async Task RefreshAsync(CancellationToken ct = default)
    {
        var list = await access.ReadableCampaignsAsync(await user.RequireAsync(), ct);
        var totals = await rollups.GetTotalsAsync(ct);
        var open = await alerts.OpenCountsAsync([.. list.Select(c => c.Id)], ct);
        Cards = list.Select(c => new CampaignCard(c, totals.GetValueOrDefault(c.Id) ?? new CampaignTotals(c.Id, 0, 0, 0, 0), open.GetValueOrDefault(c.Id))).ToArray();
        Loaded = true;
        LastUpdate = DateTimeOffset.UtcNow;
    }
}
