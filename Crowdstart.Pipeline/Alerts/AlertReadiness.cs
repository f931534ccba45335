namespace Crowdstart.Pipeline.Alerts;

/// <summary>What a campaign's detectors judge against right now, for the banner area.</summary>
/// <param name="Detectors">Each detector's basis.</param>
/// <param name="PriorCampaigns">Launches on the platform behind the prior (0 when there is none yet).</param>
/// <param name="TrafficFrom">When the traffic detectors start judging (they need minutes of the campaign's own visits).</param>
public sealed record AlertReadiness(IReadOnlyList<DetectorReadiness> Detectors, int PriorCampaigns, DateTimeOffset TrafficFrom)
{
    /// <summary>Whether every detector already judges on the campaign's own baseline (nothing to say on the banner).</summary>
    public bool Settled => Detectors.All(d => d.Basis == DetectorBasis.Own);
}
