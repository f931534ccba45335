using Crowdstart.Pipeline.Recommendations.Rules;

namespace Crowdstart.Pipeline.Recommendations;

/// <summary>A creator's dismissal of a rule's recommendation, with the evidence it had then.</summary>
public sealed record Dismissal(string RuleKey, string Subject, double Value, DateTimeOffset At, string By);

/// <summary>
/// When a dismissed recommendation stays hidden: while its evidence is about the same subject (source, device,
/// reward tier) and its value has moved by less than <see cref="MaterialChange"/> of the value at dismissal
/// (relative: 11.8 % dismissed comes back below 8.85 % or above 14.75 %).
/// </summary>
public static class DismissalRule
{
    public const double MaterialChange = 0.25;

    public static bool StillDismissed(Dismissal dismissal, Recommendation recommendation) =>
        dismissal.RuleKey == recommendation.RuleKey
        && string.Equals(dismissal.Subject, recommendation.Evidence.Subject, StringComparison.Ordinal)
        && Math.Abs(recommendation.Evidence.Value - dismissal.Value) < MaterialChange * Math.Abs(dismissal.Value);
}

/// <summary>Runs the rules and keeps the most valuable few that are not dismissed.</summary>
public static class RecommendationEngine
{
    /// <summary>Most recommendations shown at a time.</summary>
    public const int MaxShown = 3;

    /// <summary>Every rule, in a fixed order (ties in value keep it).</summary>
    public static readonly IReadOnlyList<IRecommendationRule> Rules =
        [new ForecastShortfallRule(), new SourceConversionRule(), new CartAbandonmentRule(), new DeviceCheckoutFailureRule(), new RewardTierRule()];

    /// <summary>What every rule says now, dismissed or not, one per rule.</summary>
    public static IReadOnlyList<Recommendation> Evaluate(RecommendationInputs inputs, IEnumerable<IRecommendationRule>? rules = null) =>
        [.. (rules ?? Rules).Select(r => r.Evaluate(inputs)).OfType<Recommendation>()];

    /// <summary>
    /// The recommendations to show: not dismissed (see <see cref="DismissalRule"/>), most valuable first (expected effect
    /// in money), at most <see cref="MaxShown"/>.
    /// </summary>
    public static IReadOnlyList<Recommendation> Rank(IEnumerable<Recommendation> recommendations, IReadOnlyCollection<Dismissal> dismissals) =>
        [.. recommendations
            .Where(r => !dismissals.Any(d => DismissalRule.StillDismissed(d, r)))
            .Select((r, i) => (r, i))
            .OrderByDescending(x => x.r.ExpectedValue).ThenBy(x => x.i)
            .Select(x => x.r)
            .Take(MaxShown)];
}
