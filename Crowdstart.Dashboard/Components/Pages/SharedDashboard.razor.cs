using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Pages;

/// <summary>
/// The wall view a share link opens, without signing in: one campaign's aggregates in large type, refreshed every
/// <see cref="RefreshSeconds"/> seconds. Each refresh checks the link again, so revoking or expiring it blanks an open
/// page within one interval. Nothing here names a customer, shows the event feed, or links anywhere in the app.
/// </summary>
public partial class SharedDashboard : IDisposable
{
    /// <summary>Seconds between refreshes (and the longest a revoked link stays on an open screen).</summary>
    public const int RefreshSeconds = 10;

    private PeriodicTimer? _timer;
    private readonly CancellationTokenSource _stop = new();

    [Parameter] public string? Token { get; set; }

    [Inject] public required SharedDashboardViewModel Model { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required ILogger<SharedDashboard> Logger { get; init; }

    protected override async Task OnInitializedAsync()
    {
        // The prerendered request and the circuit both load it; only the circuit counts as a view.
        await Model.RefreshAsync(Token, countView: RendererInfo.IsInteractive);
        if (RendererInfo.IsInteractive)
        {
            _ = RefreshLoopAsync();
        }
    }

    private async Task RefreshLoopAsync()
    {
        _timer = new PeriodicTimer(TimeSpan.FromSeconds(RefreshSeconds));
        try
        {
            while (await _timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await InvokeAsync(async () =>
                    {
                        await Model.RefreshAsync(Token, countView: false, _stop.Token);
                        StateHasChanged();
                    });
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not ObjectDisposedException)
                {
                    // A failed refresh (the database away) is retried at the next tick; the wall must not stop checking its link.
                    Logger.LogWarning(ex, "Refreshing a shared campaign view failed; retrying in {Seconds} s", RefreshSeconds);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The page is gone.
        }
    }

    private string Timing(SharedCampaign campaign)
    {
        var since = Model.Now - campaign.LaunchAt;
        var text = since >= TimeSpan.Zero ? $"Launched {Format.Duration(since)} ago" : $"Launches in {Format.Duration(-since)}";
        if (campaign.EndAt is { } end)
        {
            text += end > Model.Now ? $" · {Format.Duration(end - Model.Now)} left" : " · ended";
        }
        return text;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _timer?.Dispose();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
