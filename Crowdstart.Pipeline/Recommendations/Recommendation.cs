namespace Crowdstart.Pipeline.Recommendations;

/// <summary>
/// One thing the creator could do now, with what triggered it: the evidence (a metric, its value and what it is
/// compared with), the expected effect, and the explorer query that shows the evidence in the raw events.
/// </summary>
/// <param name="RuleKey">The rule that made it (<see cref="RecommendationRules"/>); one recommendation per rule at a time.</param>
/// <param name="Title">What to do, in one sentence.</param>
/// <param name="Evidence">What triggered it.</param>
/// <param name="ExpectedEffect">What acting on it is expected to bring, in words.</param>
/// <param name="ExpectedValue">The same in the campaign's currency: what the ranking sorts by (most valuable first).</param>
/// <param name="EffectHelp">How the expected effect is estimated (a tooltip).</param>
/// <param name="Explore">The explorer query that shows the evidence.</param>
public sealed record Recommendation(
    string RuleKey,
    string Title,
    RecommendationEvidence Evidence,
    string ExpectedEffect,
    decimal ExpectedValue,
    string EffectHelp,
    RecommendationQuery Explore);

/// <summary>
/// The figures behind a recommendation. <see cref="Subject"/> and <see cref="Value"/> are what a dismissal remembers:
/// a dismissed recommendation comes back when either changes materially (<see cref="DismissalRule"/>).
/// </summary>
/// <param name="Metric">What is measured, e.g. "Visit → pledge conversion of visitors first from social:reddit".</param>
/// <param name="Subject">What the evidence is about (a source, a device, a reward tier; empty for the whole campaign). Text from events: show it as text.</param>
/// <param name="Value">The measured value (a share 0–1, or an amount per day).</param>
/// <param name="ValueText">The value as shown, e.g. "11.8 %".</param>
/// <param name="ValueHelp">How the value is computed (a tooltip).</param>
/// <param name="ComparedWith">What it is compared with, e.g. "campaign average".</param>
/// <param name="ComparedWithValue">That comparison's value.</param>
/// <param name="ComparedWithText">As shown.</param>
/// <param name="ComparedWithHelp">How the comparison is computed (a tooltip).</param>
/// <param name="Sample">The volume behind the value, e.g. "1,240 visitors, 146 pledged".</param>
public sealed record RecommendationEvidence(
    string Metric,
    string Subject,
    double Value,
    string ValueText,
    string ValueHelp,
    string ComparedWith,
    double ComparedWithValue,
    string ComparedWithText,
    string ComparedWithHelp,
    string Sample);

/// <summary>
/// An explorer query on the recommendation's campaign, in the explorer's own terms (event types, filters, group-by
/// dimensions, measures) with a relative time range, so a link to it stays meaningful when opened later.
/// </summary>
/// <param name="Types">Event types to include.</param>
/// <param name="GroupBy">Dimensions (see <c>Query.QueryFields.Dimensions</c>, or <c>property:&lt;name&gt;</c>).</param>
/// <param name="Measures">Measures (see <c>Query.QueryFields.Measures</c>).</param>
/// <param name="LastHours">The last N hours; null = since the first event.</param>
public sealed record RecommendationQuery(
    IReadOnlyList<string> Types,
    IReadOnlyList<string> GroupBy,
    IReadOnlyList<string> Measures,
    double? LastHours);

/// <summary>The keys of the rules, as the API and dismissals name them.</summary>
public static class RecommendationRules
{
    public const string SourceConversion = "source-conversion";
    public const string CartAbandonment = "cart-abandonment";
    public const string DeviceCheckoutFailures = "device-checkout-failures";
    public const string RewardTier = "reward-tier";
    public const string ForecastShortfall = "forecast-shortfall";

    public static readonly IReadOnlyList<string> All = [SourceConversion, CartAbandonment, DeviceCheckoutFailures, RewardTier, ForecastShortfall];
}
