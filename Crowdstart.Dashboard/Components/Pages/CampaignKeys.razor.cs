using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Utils;
using Crowdstart.Pipeline.Accounts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Pages;

/// <summary>A campaign's ingest keys: create (shown once), name, revoke.</summary>
public partial class CampaignKeys
{
    private OneTimeSecrets<IngestKeyInfo> _keys = null!;
    private List<BreadcrumbItem> _breadcrumbs = [];

    [Parameter] public Guid CampaignId { get; set; }

    [Inject] public required IngestKeys Keys { get; init; }
    [Inject] public required CampaignAccess Campaigns { get; init; }
    [Inject] public required CurrentUser User { get; init; }

    protected override void OnInitialized() =>
        _keys = new(User, actor => Keys.ListAsync(actor, CampaignId), async (actor, name) =>
        {
            var (key, plaintext) = await Keys.CreateAsync(actor, CampaignId, name);
            return (key.Name, plaintext);
        }, (actor, id) => Keys.RevokeAsync(actor, CampaignId, id));

    protected override async Task OnParametersSetAsync()
    {
        var campaign = await Campaigns.FindAsync(CampaignId);
        _breadcrumbs = [new("Campaigns", DashboardUrls.HomePath), new(campaign?.Name ?? "Campaign", DashboardUrls.Campaign(CampaignId)), new("Ingest keys", null, disabled: true)];
        await _keys.LoadAsync();
    }
}
