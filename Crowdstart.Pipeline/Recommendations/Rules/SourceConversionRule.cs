using Crowdstart.Pipeline.Events;
using static Crowdstart.Pipeline.Recommendations.RecommendationText;

namespace Crowdstart.Pipeline.Recommendations.Rules;

/// <summary>
/// A first-visit source whose visitors pledge far more often than the campaign's visitors overall: worth more
/// attention there. Reads the funnel by first-visit source (first step → last step, all time).
/// Fires when the source has at least <see cref="MinVisitors"/> visitors and <see cref="MinPledgers"/> pledgers,
/// converts at least <see cref="MinLift"/>× the overall rate, the lower Wilson bound of its rate is above the overall
/// rate, and a two-proportion test against the other sources' visitors gives z ≥ <see cref="Proportions.Z"/>.
/// </summary>
public sealed class SourceConversionRule : IRecommendationRule
{
    public const long MinVisitors = 200;
    public const long MinPledgers = 10;
    public const double MinLift = 1.5;

    /// <summary>The expected effect is given per this many more visitors from the source.</summary>
    public const int PerVisitors = 1_000;

    public string Key => RecommendationRules.SourceConversion;

    public Recommendation? Evaluate(RecommendationInputs inputs)
    {
        var funnel = inputs.Metrics.Funnel;
        if (funnel.Count < 2)
        {
            return null;
        }
        var (first, last) = (funnel[0], funnel[^1]);
        long visitors = first.Customers, pledgers = last.Customers;
        if (visitors < 2 * MinVisitors || pledgers == 0)
        {
            return null;
        }
        var overall = (double)pledgers / visitors;
        var best = first.BySource
            .Where(s => s.Key.Length > 0)
            .Select(s => (Source: s.Key, Visitors: s.Value, Pledgers: Math.Min(s.Value, last.BySource.GetValueOrDefault(s.Key))))
            .Where(s => s.Visitors >= MinVisitors && s.Pledgers >= MinPledgers && visitors - s.Visitors >= MinVisitors)
            .Select(s => (s.Source, s.Visitors, s.Pledgers, Rate: (double)s.Pledgers / s.Visitors))
            .Where(s => s.Rate >= MinLift * overall
                && Proportions.Wilson(s.Pledgers, s.Visitors).Low > overall
                && Proportions.TwoProportionZ(s.Pledgers, s.Visitors, pledgers - s.Pledgers, visitors - s.Visitors) >= Proportions.Z)
            .OrderByDescending(s => s.Rate - overall).ThenBy(s => s.Source, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best.Source is null)
        {
            return null;
        }
        var extraPledges = PerVisitors * (best.Rate - overall);
        var value = (decimal)extraPledges * (inputs.AveragePledge ?? 0);
        var lastType = last.Type == EventTypes.PledgeCompleted ? "pledge" : last.Type;
        return new Recommendation(
            Key,
            $"Visitors from {best.Source} pledge at {Percent(best.Rate)} vs {Percent(overall)} overall: post an update there",
            new RecommendationEvidence(
                $"Visit → {lastType} conversion of visitors who first came from {best.Source}",
                best.Source,
                best.Rate,
                Percent(best.Rate),
                $"Customers whose first visit came from {best.Source} and who went on through the funnel to a {lastType}, out of all customers whose first visit came from there, since launch.",
                "campaign average",
                overall,
                Percent(overall),
                "The same share over every visitor of the campaign, whatever the source.",
                $"{Count(best.Visitors)} visitors, {Count(best.Pledgers)} pledged"),
            $"About {Count((long)Math.Round(extraPledges))} more pledges per {Count(PerVisitors)} visitors from {best.Source} than the same visitors would bring at the campaign's average" +
            (value > 0 ? $" (≈ {Money(value, inputs.Currency)})." : "."),
            value,
            $"({Percent(best.Rate)} − {Percent(overall)}) × {Count(PerVisitors)} visitors × the campaign's average pledge so far. Assumes new visitors from there convert like the ones so far.",
            new RecommendationQuery([EventTypes.PageView, EventTypes.PledgeCompleted], ["source", "type"], ["unique_customers"], null));
    }
}
