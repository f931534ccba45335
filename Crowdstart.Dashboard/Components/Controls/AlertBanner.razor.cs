using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Errors;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// The campaign's live alerts as banners, pushed the moment an alert opens, changes or resolves
/// (<see cref="AlertFeed"/>); creators acknowledge or resolve them here. Alerts that recovered in the last half hour
/// stay as an outlined line saying when and after how long; a mute in force shows until when and why, with an unmute
/// button, and the alerts it holds stay off. Times are in the viewer's zone (the browser's offset, read once).
/// </summary>
public partial class AlertBanner
{
    private IDisposable? _subscription;
    private AlertBannerState _state = new([], [], null, 0, null);
    private string? _error;
    private ITimer? _timer;
    private TimeSpan _offset = TimeZoneInfo.Local.GetUtcOffset(DateTime.UtcNow);

    [Parameter, EditorRequired] public Guid CampaignId { get; set; }

    [Inject] public required AlertStore Alerts { get; init; }
    [Inject] public required AlertMuteStore Mutes { get; init; }
    [Inject] public required AlertFeed Feed { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }

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
        _state = new([], [], null, 0, null);
        if (RendererInfo.IsInteractive)
        {
            var campaign = CampaignId;
            _subscription = Feed.Subscribe(campaign, _ => RefreshFromCircuitAsync(LoadAsync));
        }
        await LoadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            try
            {
                var minutes = await JS.InvokeAsync<int>("crowdstart.timezoneOffsetMinutes");
                if (TimeSpan.FromMinutes(minutes) != _offset && Math.Abs(minutes) <= 14 * 60)
                {
                    _offset = TimeSpan.FromMinutes(minutes);
                    StateHasChanged();
                }
            }
            catch (JSException)
            {
                // Times stay in the server's zone.
            }
        }
    }

    private async Task LoadAsync()
    {
        _state = await Alerts.BannerAsync(CampaignId);
        // A mute ending or starting and a recovery dropping off happen without an alert change: re-read then.
        _timer?.Dispose();
        _timer = null;
        if (RendererInfo.IsInteractive && _state.NextChange is { } next)
        {
            var due = next - Time.GetUtcNow() + TimeSpan.FromSeconds(1);
            _timer = Time.CreateTimer(_ => _ = RefreshFromCircuitAsync(LoadAsync), null, due < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : due,
                Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A time in the viewer's zone, e.g. 14:05 (with the day when it is not today).</summary>
    private string Clock(DateTimeOffset at)
    {
        var local = at.ToOffset(_offset);
        var today = Time.GetUtcNow().ToOffset(_offset).Date;
        return local.ToString(local.Date == today ? "HH:mm" : "d MMM HH:mm", System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task UnmuteAsync(Guid muteId) => RunAsync(actor => Mutes.EndMuteAsync(actor, CampaignId, muteId));

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
    public static string Title(AlertInfo alert) => AlertWording.Title(alert.Detector);

    /// <summary>A short name of a detector, for people.</summary>
    public static string Title(string detector) => AlertWording.Title(detector);

    protected override void OnDispose()
    {
        _subscription?.Dispose();
        _timer?.Dispose();
    }
}
