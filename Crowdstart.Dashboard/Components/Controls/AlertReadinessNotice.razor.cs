using Crowdstart.Pipeline.Alerts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// Tells a launching creator which detectors already judge the campaign and against what: the platform's launches,
/// an absolute guard, the campaign's own hour, or nothing yet. Gone once every detector is on the campaign's own baseline.
/// </summary>
public partial class AlertReadinessNotice
{
    /// <summary>The basis changes over minutes, not seconds.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);

    private AlertReadiness? _readiness;
    private PeriodicTimer? _timer;

    [Parameter, EditorRequired] public Guid CampaignId { get; set; }

    [Inject] public required AlertReadinessQuery Query { get; init; }

    private Guid? _loadedId;

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedId == CampaignId)
        {
            return;
        }
        _loadedId = CampaignId;
        _readiness = await Query.GetAsync(CampaignId);
        if (RendererInfo.IsInteractive && _timer is null)
        {
            _timer = new PeriodicTimer(Refresh);
            _ = RefreshLoopAsync(_timer);
        }
    }

    private async Task RefreshLoopAsync(PeriodicTimer timer)
    {
        try
        {
            while (await timer.WaitForNextTickAsync())
            {
                await RefreshFromCircuitAsync(async () => _readiness = await Query.GetAsync(CampaignId));
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private string Summary(AlertReadiness r)
    {
        var parts = new List<string>();
        if (r.Detectors.Any(d => d.Basis == DetectorBasis.Platform))
        {
            parts.Add($"Funnel rates are judged against {r.PriorCampaigns} launches on the platform at the same hour, until this campaign's own outcomes outweigh them.");
        }
        if (r.Detectors.Any(d => d.Basis == DetectorBasis.Guard))
        {
            parts.Add("Failing checkouts and stalled pledges are caught by absolute guards meanwhile.");
        }
        if (r.Detectors.Any(d => d.Basis == DetectorBasis.Learning && d.Detector is DetectorKinds.TrafficDrop or DetectorKinds.TrafficSpike))
        {
            parts.Add($"Traffic is judged from {r.TrafficFrom.ToLocalTime():HH:mm}, after {Detectors.TrafficLearningMinutes} minutes of visits.");
        }
        return string.Join(" ", parts);
    }

    private static string Label(DetectorBasis basis) => basis switch
    {
        DetectorBasis.Own => "own baseline",
        DetectorBasis.Platform => "platform launches",
        DetectorBasis.Guard => "guard",
        _ => "learning",
    };

    private static Color ColorOf(DetectorBasis basis) => basis switch
    {
        DetectorBasis.Own or DetectorBasis.Platform => Color.Success,
        DetectorBasis.Guard => Color.Info,
        _ => Color.Default,
    };

    private static string Explain(DetectorReadiness d, AlertReadiness r) => d.Basis switch
    {
        DetectorBasis.Own => "Active: judged against this campaign's own last hour.",
        DetectorBasis.Platform => $"Active: judged against {r.PriorCampaigns} launches on the platform at the same hour since launch, blended with this campaign's own outcomes so far.",
        DetectorBasis.Guard => "Active: an absolute guard that needs no baseline (30 % of checkouts failing, or pledges stopping while checkouts continue, is never normal).",
        _ => "Learning: too little of this campaign's own data yet, and no platform history to compare with.",
    };

    protected override void OnDispose() => _timer?.Dispose();
}
