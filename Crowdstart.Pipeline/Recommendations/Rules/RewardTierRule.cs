using Crowdstart.Pipeline.Events;
using static Crowdstart.Pipeline.Recommendations.RecommendationText;

namespace Crowdstart.Pipeline.Recommendations.Rules;

/// <summary>
/// A reward tier (<c>properties.reward</c>) that many customers look at but few pledge for, over the last 24 h.
/// Fires when the tier has at least <see cref="MinViewers"/> viewers and at least <see cref="MinShareOfViews"/> of all
/// reward viewers, the other tiers have <see cref="MinViewers"/> viewers and <see cref="MinOtherPledgers"/> pledgers,
/// its view → pledge rate is at most <see cref="MaxRatio"/> of the other tiers' and a two-proportion test gives
/// z ≤ −<see cref="Proportions.Z"/>.
/// </summary>
public sealed class RewardTierRule : IRecommendationRule
{
    public const long MinViewers = 100;
    public const double MinShareOfViews = 0.10;
    public const long MinOtherPledgers = 10;
    public const double MaxRatio = 1.0 / 3;

    public string Key => RecommendationRules.RewardTier;

    public Recommendation? Evaluate(RecommendationInputs inputs)
    {
        var rewards = inputs.Recent.Rewards;
        long viewers = rewards.Sum(r => r.Viewers), pledgers = rewards.Sum(r => r.Pledgers);
        if (viewers < 2 * MinViewers || inputs.Recent.Hours <= 0)
        {
            return null;
        }
        var best = rewards
            .Where(r => r.Reward.Length > 0 && r.Viewers >= MinViewers && r.Viewers >= MinShareOfViews * viewers
                && viewers - r.Viewers >= MinViewers && pledgers - r.Pledgers >= MinOtherPledgers)
            .Select(r => (Tier: r, Rate: Math.Min(1, (double)r.Pledgers / r.Viewers),
                Others: Math.Min(1, (double)(pledgers - r.Pledgers) / (viewers - r.Viewers))))
            .Where(r => r.Rate <= MaxRatio * r.Others
                && Proportions.TwoProportionZ(Math.Min(r.Tier.Pledgers, r.Tier.Viewers), r.Tier.Viewers, pledgers - r.Tier.Pledgers, viewers - r.Tier.Viewers) <= -Proportions.Z)
            .OrderByDescending(r => r.Tier.Viewers * (r.Others - r.Rate)).ThenBy(r => r.Tier.Reward, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best.Tier is null)
        {
            return null;
        }
        var tier = best.Tier;
        var perDay = tier.Viewers * (best.Others - best.Rate) * 24 / Math.Min(24, inputs.Recent.Hours);
        // The tier's own average pledge when it has pledges; the campaign's otherwise.
        var pledge = tier.Pledgers > 0 && tier.Pledged > 0 ? tier.Pledged / tier.Pledgers : inputs.AveragePledge ?? 0;
        var value = (decimal)perDay * pledge;
        return new Recommendation(
            Key,
            $"Reward tier {tier.Reward} is viewed often but rarely pledged ({Percent(best.Rate)} vs {Percent(best.Others)} for the other tiers): review its price, contents and description",
            new RecommendationEvidence(
                $"View → pledge rate of reward tier {tier.Reward}, last 24 h",
                tier.Reward,
                best.Rate,
                Percent(best.Rate),
                $"Customers who pledged for {tier.Reward} ÷ customers who viewed it (the events' reward property), over the last 24 h.",
                "other tiers",
                best.Others,
                Percent(best.Others),
                "The same share over every other tier's viewers and pledgers in the same 24 h.",
                $"{Count(tier.Viewers)} viewers ({Percent((double)tier.Viewers / viewers)} of reward viewers), {Count(tier.Pledgers)} pledged"),
            $"About {Count((long)Math.Round(perDay))} more pledges a day if it converted like the other tiers" +
            (value > 0 ? $" (≈ {Money(value, inputs.Currency)} a day)." : "."),
            value,
            $"({Percent(best.Others)} − {Percent(best.Rate)}) × {Count(tier.Viewers)} viewers, per day, × the tier's average pledge (the campaign's when it has none).",
            new RecommendationQuery([EventTypes.RewardView, EventTypes.PledgeCompleted], ["property:reward", "type"], ["unique_customers"], 24));
    }
}
