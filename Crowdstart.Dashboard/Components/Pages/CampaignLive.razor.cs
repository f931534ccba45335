using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Processing;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Pages;

/// <summary>
/// A campaign's live page. Subscribes to the pipeline's change feed (throttled at the source) and re-reads the
/// pre-computed rollups; a slow timer also slides the 60-minute window when no events arrive.
/// </summary>
public partial class CampaignLive : LiveComponentBase
{
    // Windowed figures move with time even without new events: refresh at least every 5 s.
    private static readonly TimeSpan SlideInterval = TimeSpan.FromSeconds(5);
    private IDisposable? _subscription;
    private ITimer? _slide;
    private List<BreadcrumbItem> _breadcrumbs = [];
    private Guid? _loadedId;

    [Parameter] public Guid CampaignId { get; set; }
    [CascadingParameter(Name = "DarkMode")] public bool DarkMode { get; set; }

    [Inject] public required CampaignLiveViewModel Model { get; init; }
    [Inject] public required CampaignChangeFeed Changes { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    protected override void OnInitialized()
    {
        if (RendererInfo.IsInteractive)
        {
            _slide = Time.CreateTimer(_ => _ = RefreshFromCircuitAsync(), null, SlideInterval, SlideInterval);
        }
    }

    /// <summary>Loads (and subscribes to) the campaign in the URL; runs again when the route's id changes.</summary>
    protected override async Task OnParametersSetAsync()
    {
        if (CampaignId == _loadedId)
        {
            return;
        }
        _loadedId = CampaignId;
        _subscription?.Dispose();
        if (RendererInfo.IsInteractive)
        {
            _subscription = Changes.Subscribe(CampaignId, RefreshFromCircuitAsync);
        }
        await Model.LoadAsync(CampaignId);
        _breadcrumbs = [new("Campaigns", "/"), new(Model.Campaign?.Name ?? "Campaign", null, disabled: true)];
    }

    private string Rate(double? ratio) => ratio is { } r ? Format.Percent(r) : "—";

    private Task RefreshFromCircuitAsync() => RefreshFromCircuitAsync(() => Model.RefreshAsync());

    protected override void OnDispose()
    {
        _subscription?.Dispose();
        _slide?.Dispose();
    }
}
