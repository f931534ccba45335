namespace Crowdstart.Pipeline.Storage.Entities;

/// <summary>
/// A creator dismissed a campaign's recommendation of one rule, with the evidence it had then: it stays hidden until
/// the evidence changes materially (Recommendations.DismissalRule). One row per (campaign, rule); dismissing again
/// replaces it. Who and when are in the audit log as well.
/// </summary>
public sealed class RecommendationDismissal
{
    public Guid CampaignId { get; set; }
    public required string RuleKey { get; set; }
    /// <summary>The evidence's subject then (a source, device or reward tier; empty for the whole campaign).</summary>
    public required string Subject { get; set; }
    /// <summary>The evidence's value then.</summary>
    public double Value { get; set; }
    public DateTimeOffset DismissedAt { get; set; }
    public Guid? DismissedByUserId { get; set; }
    public required string DismissedBy { get; set; }
}
