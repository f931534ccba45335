using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Pages.Admin;

/// <summary>Admins browse and filter the audit log (read-only).</summary>
public partial class Audit
{
    private const int PageSize = 50;

    private static readonly string[] Actions = [.. typeof(AuditActions).GetFields().Select(f => (string)f.GetValue(null)!).Order()];

    private IReadOnlyList<AuditEntryInfo>? _entries;
    private List<CampaignInfo> _campaigns = [];
    private int _total;
    private int _page = 1;
    private string? _action;
    private Guid? _campaignId;
    private string? _actor;
    private string? _customer;
    private int _days = 7;

    [Inject] public required AuditLog Log { get; init; }
    [Inject] public required CampaignAccess Access { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _campaigns = await Access.ReadableCampaignsAsync(await User.RequireAsync());
        await LoadAsync();
    }

    private async Task FilterAsync(Action set)
    {
        set();
        _page = 1;
        await LoadAsync();
    }

    private async Task PageAsync(int page)
    {
        _page = page;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var from = _days > 0 ? Time.GetUtcNow().AddDays(-_days) : (DateTimeOffset?)null;
        (_entries, _total) = await Log.QueryAsync(new AuditQuery(from, null, _action, _campaignId, _actor, _customer, (_page - 1) * PageSize, PageSize));
    }
}
