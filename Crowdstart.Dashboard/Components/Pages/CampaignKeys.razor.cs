using Crowdstart.Dashboard.Utils;
using Crowdstart.Dashboard.Services;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Pages;

/// <summary>A campaign's ingest keys: create (shown once), name, revoke.</summary>
public partial class CampaignKeys
{
    private List<IngestKey>? _keys;
    private List<BreadcrumbItem> _breadcrumbs = [];
    private string? _name;
    private string? _error;
    private bool _busy;
    private (string Name, string Plaintext)? _created;

    [Parameter] public Guid CampaignId { get; set; }

    [Inject] public required IngestKeys Keys { get; init; }
    [Inject] public required CampaignStore Campaigns { get; init; }
    [Inject] public required CurrentUser User { get; init; }

    protected override async Task OnParametersSetAsync()
    {
        var campaign = await Campaigns.FindCampaignAsync(CampaignId);
        _breadcrumbs = [new("Campaigns", DashboardUrls.HomePath), new(campaign?.Name ?? "Campaign", DashboardUrls.Campaign(CampaignId)), new("Ingest keys", null, disabled: true)];
        await LoadAsync();
    }

    private async Task LoadAsync() => _keys = await Keys.ListAsync(await User.RequireAsync(), CampaignId);

    private async Task CreateAsync()
    {
        _busy = true;
        _error = null;
        try
        {
            var (key, plaintext) = await Keys.CreateAsync(await User.RequireAsync(), CampaignId, _name ?? "");
            _created = (key.Name, plaintext);
            _name = null;
            await LoadAsync();
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RevokeAsync(Guid keyId)
    {
        try
        {
            await Keys.RevokeAsync(await User.RequireAsync(), CampaignId, keyId);
            _error = null;
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }
        await LoadAsync();
    }
}
