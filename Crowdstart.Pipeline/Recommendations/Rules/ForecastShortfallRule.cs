using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Forecast;
using static Crowdstart.Pipeline.Recommendations.RecommendationText;

namespace Crowdstart.Pipeline.Recommendations.Rules;

/// <summary>
/// The forecast falls short of the goal: the daily pace needed from now, (goal − net pledged) ÷ days left, against the
/// current pace (net pledged over the last 24 h, per day). Fires when the latest forecast is at risk (chance under
/// 50 %, projection under the goal), at most <see cref="MaxForecastAge"/> old, the campaign has at least
/// <see cref="MinTimeLeft"/> left, and the needed pace is at least <see cref="MinGap"/>× the current one.
/// </summary>
public sealed class ForecastShortfallRule : IRecommendationRule
{
    public static readonly TimeSpan MaxForecastAge = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinTimeLeft = TimeSpan.FromHours(6);
    public const double MinGap = 1.1;

    /// <summary>The current pace needs at least this much history (a younger campaign's pace is its launch spike).</summary>
    public const double MinPaceHours = 6;

    public string Key => RecommendationRules.ForecastShortfall;

    public Recommendation? Evaluate(RecommendationInputs inputs)
    {
        if (inputs.Forecast is not { Status: ForecastStatus.AtRisk } forecast || forecast.ProjectedTotal >= inputs.Goal
            || inputs.Now - forecast.AsOf > MaxForecastAge || inputs.EndAt is not { } end || end - inputs.Now < MinTimeLeft
            || inputs.Recent.Hours < MinPaceHours)
        {
            return null;
        }
        var remaining = inputs.Goal - inputs.Metrics.Revenue.Net;
        if (remaining <= 0)
        {
            return null;
        }
        var daysLeft = (decimal)(end - inputs.Now).TotalDays;
        var needed = remaining / daysLeft;
        var pace = inputs.Recent.NetPledged * 24 / (decimal)Math.Min(24, inputs.Recent.Hours);
        if (pace > 0 && needed < (decimal)MinGap * pace)
        {
            return null;
        }
        var shortfall = inputs.Goal - forecast.ProjectedTotal;
        var currency = inputs.Currency;
        return new Recommendation(
            Key,
            $"The forecast falls short of the goal: pledges need {Money(needed, currency)} a day from now to reach it, against {Money(pace, currency)} a day now. Plan a push: an update, a stretch goal or a time-limited add-on",
            new RecommendationEvidence(
                "Daily pace needed to reach the goal",
                "",
                (double)needed,
                Money(needed, currency) + " a day",
                $"(goal {Money(inputs.Goal, currency)} − net pledged {Money(inputs.Metrics.Revenue.Net, currency)}) ÷ {daysLeft:0.#} days left.",
                "current pace",
                (double)pace,
                Money(pace, currency) + " a day",
                "Net pledged (pledges minus refunds) over the last 24 h.",
                $"forecast {Money(forecast.ProjectedTotal, currency)} of {Money(inputs.Goal, currency)}, chance {Chance(forecast.Probability)}"),
            $"The forecast ends about {Money(shortfall, currency)} short of the goal; holding {Money(needed, currency)} a day closes the gap.",
            shortfall,
            "Goal − the forecast's projected final total (the middle of its 80 % range).",
            new RecommendationQuery([EventTypes.PledgeCompleted, EventTypes.PledgeRefunded], ["day", "type"], ["sum_amount", "count"], null));
    }
}
