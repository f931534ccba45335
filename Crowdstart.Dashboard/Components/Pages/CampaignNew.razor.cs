using Crowdstart.Dashboard.Utils;
using System.Globalization;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Crowdstart.Dashboard.Components.Pages;

/// <summary>A creator starts a campaign in one of their organisations, then goes on to its ingest keys.</summary>
public partial class CampaignNew
{
    private List<OrganisationInfo>? _organisations;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _name;
    private Guid _organisationId;
    private string _currency = "EUR";
    private decimal _goal = 50_000m;
    private string? _launch;
    private string? _end;
    private bool _busy;
    private int _offsetMinutes;

    [Inject] public required Pipeline.Accounts.Organisations Orgs { get; init; }
    [Inject] public required CampaignManagement Campaigns { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    protected override async Task OnInitializedAsync()
    {
        var actor = await User.RequireAsync();
        _organisations = await Orgs.OfUserAsync(actor.UserId);
        _organisationId = _organisations.FirstOrDefault()?.Id ?? Guid.Empty;
        _launch = Time.GetUtcNow().AddHours(1).ToString("yyyy-MM-ddTHH:00", CultureInfo.InvariantCulture);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            // The date fields are in the browser's local time; the server stores UTC.
            _offsetMinutes = await JS.InvokeAsync<int>("crowdstart.timezoneOffsetMinutes");
        }
    }

    private bool Has(string field) => _errors.ContainsKey(field);

    private string? ErrorOf(string field) => _errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    private DateTimeOffset? Parse(string? local) =>
        DateTime.TryParse(local, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? new DateTimeOffset(at, TimeSpan.FromMinutes(_offsetMinutes)).ToUniversalTime()
            : null;

    private async Task CreateAsync()
    {
        _busy = true;
        try
        {
            var launch = Parse(_launch) ?? Time.GetUtcNow();
            var (campaign, errors) = await Campaigns.CreateAsync(await User.RequireAsync(),
                new NewCampaign(_organisationId, _name ?? "", _currency, _goal, launch, Parse(_end)));
            _errors = errors;
            if (campaign is not null)
            {
                Navigation.NavigateTo(DashboardUrls.CampaignKeys(campaign.Id));
            }
        }
        finally
        {
            _busy = false;
        }
    }
}
