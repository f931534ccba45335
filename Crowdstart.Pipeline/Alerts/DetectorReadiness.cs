namespace Crowdstart.Pipeline.Alerts;

/// <summary>What a detector judges a campaign against right now.</summary>
public enum DetectorBasis
{
    /// <summary>Nothing yet: too little of the campaign's own data and no platform prior.</summary>
    Learning,

    /// <summary>An absolute guard that needs no baseline (e.g. 30 % of checkouts failing is never normal).</summary>
    Guard,

    /// <summary>Mostly the platform's campaigns at the same hour since launch.</summary>
    Platform,

    /// <summary>Mostly the campaign's own recent hour.</summary>
    Own,
}

/// <summary>One detector's state for the banner: active against what, or still learning.</summary>
/// <param name="Detector">The detector (<see cref="DetectorKinds"/>).</param>
/// <param name="Basis">What it judges against.</param>
/// <param name="Normal">The rate it takes as normal (null for traffic and while learning).</param>
/// <param name="PriorCampaigns">Campaigns behind the platform prior, when it takes part.</param>
public sealed record DetectorReadiness(string Detector, DetectorBasis Basis, double? Normal, int PriorCampaigns);
