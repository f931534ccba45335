using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Errors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// The campaign's live alerts as banners, pushed the moment an alert opens, changes or resolves
/// (<see cref="AlertFeed"/>); creators acknowledge or resolve them here.
/// </summary>
public partial class AlertBanner
{
    private IDisposable? _subscription;
    private IReadOnlyList<AlertInfo> _alerts = [];
    private string? _error;

    [Parameter, EditorRequired] public Guid CampaignId { get; set; }

    [Inject] public required AlertStore Alerts { get; init; }
    [Inject] public required AlertFeed Feed { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    private Guid? _loadedId;

    /// <summary>Loads and subscribes for the campaign in the parameters; again when it changes (in-circuit navigation).</summary>
    protected override async Task OnParametersSetAsync()
    {
        if (_loadedId == CampaignId)
        {
            return;
        }
        _loadedId = CampaignId;
        _subscription?.Dispose();
        _alerts = [];
        if (RendererInfo.IsInteractive)
        {
            var campaign = CampaignId;
            _subscription = Feed.Subscribe(campaign, _ => RefreshFromCircuitAsync(LoadAsync));
        }
        await LoadAsync();
    }

    private async Task LoadAsync() => _alerts = await Alerts.LiveAsync(CampaignId);

    private Task AcknowledgeAsync(Guid alertId) => RunAsync(actor => Alerts.AcknowledgeAsync(actor, CampaignId, alertId));

    private Task ResolveAsync(Guid alertId) => RunAsync(actor => Alerts.ResolveAsync(actor, CampaignId, alertId));

    private async Task RunAsync(Func<Actor, Task> action)
    {
        try
        {
            await action(await User.RequireAsync());
            _error = null;
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }
        await LoadAsync();
    }

    private static Severity SeverityOf(AlertInfo alert) => alert.Severity switch
    {
        nameof(AlertSeverity.Critical) => Severity.Error,
        nameof(AlertSeverity.Warning) => Severity.Warning,
        _ => Severity.Info,
    };

    /// <summary>A short name of the detector, for people.</summary>
    public static string Title(AlertInfo alert) => Title(alert.Detector);

    /// <summary>A short name of a detector, for people.</summary>
    public static string Title(string detector) => detector switch
    {
        DetectorKinds.CheckoutConversionDrop => "Checkout conversion drop",
        DetectorKinds.VisitConversionDrop => "Conversion drop",
        DetectorKinds.TrafficDrop => "Traffic drop",
        DetectorKinds.TrafficSpike => "Traffic spike",
        DetectorKinds.RevenueStall => "Pledges stalled",
        DetectorKinds.CheckoutFailureSpike => "Checkout failures",
        DetectorKinds.RewardToCartDrop => "Add-to-cart drop",
        DetectorKinds.CartToCheckoutDrop => "Cart → checkout drop",
        _ => detector,
    };

    protected override void OnDispose() => _subscription?.Dispose();
}
