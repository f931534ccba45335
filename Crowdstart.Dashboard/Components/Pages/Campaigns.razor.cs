using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Processing;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Pages;

/// <summary>Overview of all campaigns; refreshed whenever the pipeline commits new rollups.</summary>
public partial class Campaigns : LiveComponentBase
{
    private IDisposable? _subscription;
    private IDisposable? _alertSubscription;

    [Inject] public required CampaignsOverviewViewModel Model { get; init; }
    [Inject] public required CampaignChangeFeed Changes { get; init; }
    [Inject] public required Pipeline.Alerts.AlertFeed AlertChanges { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    [CascadingParameter(Name = "DarkMode")] public bool DarkMode { get; set; }

    /// <summary><c>?archived=1</c> shows archived campaigns too.</summary>
    [SupplyParameterFromQuery(Name = "archived")] public string? ArchivedQuery { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var show = ArchivedQuery == "1";
        if (show != Model.ShowArchived)
        {
            Model.ShowArchived = show;
            await Model.RefreshAsync();
        }
    }

    protected override async Task OnInitializedAsync()
    {
        if (RendererInfo.IsInteractive)
        {
            _subscription = Changes.Subscribe(null, RefreshFromCircuitAsync);
            // Badges change the moment an alert opens or is acknowledged, not at the next pipeline commit.
            _alertSubscription = AlertChanges.Subscribe(null, campaign =>
                campaign == Pipeline.Alerts.AlertFeed.AnyCampaign || Model.Cards.Any(c => c.Campaign.Id == campaign) ? RefreshFromCircuitAsync() : Task.CompletedTask);
        }
        Model.ShowArchived = ArchivedQuery == "1";
        await Model.RefreshAsync();
    }

    private Task RefreshFromCircuitAsync() => RefreshFromCircuitAsync(() => Model.RefreshAsync());

    private string LaunchText(DateTimeOffset launchAt)
    {
        var since = Time.GetUtcNow() - launchAt;
        return since >= TimeSpan.Zero ? $"launched {Format.Duration(since)} ago" : $"launches in {Format.Duration(-since)}";
    }

    protected override void OnDispose()
    {
        _subscription?.Dispose();
        _alertSubscription?.Dispose();
    }
}
