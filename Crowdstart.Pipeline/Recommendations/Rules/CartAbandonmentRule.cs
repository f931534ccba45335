using Crowdstart.Pipeline.Events;
using static Crowdstart.Pipeline.Recommendations.RecommendationText;

namespace Crowdstart.Pipeline.Recommendations.Rules;

/// <summary>
/// Carts abandoned far more often than on similar campaigns of the platform. The campaign's abandonment is over its
/// matured carts (those whose cart window has passed); the comparison is the median of other campaigns with at least
/// <see cref="MinCarts"/> carts, the same currency and a goal within <see cref="GoalFactor"/>× of this one's (all such campaigns when
/// fewer than <see cref="MinPeers"/> are that similar; no recommendation when fewer than that exist at all).
/// Fires when the rate is at least <see cref="MinExcess"/> above the median and <see cref="MinRatio"/>× it, and the
/// lower Wilson bound of the rate is above the median.
/// </summary>
public sealed class CartAbandonmentRule : IRecommendationRule
{
    public const long MinCarts = 100;
    public const int MinPeers = 5;
    public const double GoalFactor = 3;
    public const double MinExcess = 0.10;
    public const double MinRatio = 1.25;

    public string Key => RecommendationRules.CartAbandonment;

    public Recommendation? Evaluate(RecommendationInputs inputs)
    {
        var carts = inputs.Metrics.Carts;
        if (carts.MaturedCarts < MinCarts)
        {
            return null;
        }
        var rate = (double)carts.MaturedAbandoned / carts.MaturedCarts;
        var peers = inputs.CartPeers.Where(p => p.CampaignId != inputs.CampaignId && p.Carts >= MinCarts).ToList();
        var similar = peers.Where(p => string.Equals(p.Currency.Trim(), inputs.Currency.Trim(), StringComparison.OrdinalIgnoreCase)
            && p.Goal >= inputs.Goal / (decimal)GoalFactor && p.Goal <= inputs.Goal * (decimal)GoalFactor).ToList();
        var (compared, label) = similar.Count >= MinPeers ? (similar, "similar campaigns") : (peers, "campaigns on the platform");
        if (compared.Count < MinPeers)
        {
            return null;
        }
        var median = Median(compared.Select(p => p.Abandonment));
        if (rate < median + MinExcess || rate < MinRatio * median || Proportions.Wilson(carts.MaturedAbandoned, carts.MaturedCarts).Low <= median)
        {
            return null;
        }
        var recoverable = carts.MaturedCarts * (rate - median);
        var value = (decimal)recoverable * (inputs.AveragePledge ?? 0);
        return new Recommendation(
            Key,
            $"Carts are abandoned more than on {label} ({Percent(rate)} vs {Percent(median)}): check shipping costs, add-on prices and the checkout steps",
            new RecommendationEvidence(
                "Cart abandonment",
                "",
                rate,
                Percent(rate),
                "Customers whose cart did not become a pledge within the campaign's cart window, out of all customers with a cart whose window has passed, since launch.",
                $"median of {Count(compared.Count)} {label}",
                median,
                Percent(median),
                label == "similar campaigns"
                    ? $"The middle value of the same share on the platform's other campaigns with at least {MinCarts} carts, the same currency and a goal within {GoalFactor:0}× of this one's."
                    : $"Fewer than {MinPeers} campaigns have the same currency and a goal within {GoalFactor:0}× of this one's: the middle value over every other campaign with at least {MinCarts} carts.",
                $"{Count(carts.MaturedCarts)} carts, {Count(carts.MaturedAbandoned)} abandoned"),
            $"At the median rate, about {recoverable:0} more of this campaign's carts so far would have become pledges" +
            (value > 0 ? $" (≈ {Money(value, inputs.Currency)})." : "."),
            value,
            $"({Percent(rate)} − {Percent(median)}) × {Count(carts.MaturedCarts)} carts × the campaign's average pledge so far.",
            new RecommendationQuery([EventTypes.CartCreated, EventTypes.CheckoutStarted, EventTypes.PledgeCompleted], ["day", "type"], ["unique_customers"], null));
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
