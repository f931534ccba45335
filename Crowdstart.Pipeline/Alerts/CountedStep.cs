namespace Crowdstart.Pipeline.Alerts;

/// <summary>The counted steps of a campaign's funnel, as the detectors read them from the 10-second buckets.</summary>
public enum CountedStep
{
    Visits,
    RewardViews,
    Carts,
    Checkouts,
    Failures,
    Pledges,
}
