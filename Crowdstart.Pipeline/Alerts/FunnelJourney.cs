using Crowdstart.Pipeline.Events;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// One visitor's walk through a campaign funnel, with the demo traffic generator's step probabilities and delays
/// (reward view 62 %, cart ≈20 %, checkout 78 %, payment failure 7 % with a retry half the time, pledge 88 %),
/// under <see cref="Conditions"/> an incident may change. Used by the scenario suite (counted into buckets) and
/// by tests that replay incidents through the real API.
/// </summary>
public static class FunnelJourney
{
    /// <summary>The events of one visit starting at <paramref name="at"/> (seconds), as (type, seconds).</summary>
    /// <param name="random">The randomness of the visit.</param>
    /// <param name="at">When the visit starts, in seconds.</param>
    /// <param name="conditionsAt">The conditions (an incident or none) at a moment, in seconds.</param>
    /// <param name="returning">Whether the visitor has been here before (they buy twice as often); drawn (18 %) when null.</param>
    public static IEnumerable<(string Type, double At)> Walk(Random random, double at, Func<double, Conditions> conditionsAt, bool? returning = null)
    {
        yield return (EventTypes.PageView, at);
        var isReturning = returning ?? random.NextDouble() < 0.18;
        var buyer = isReturning ? 0.09 : 0.045;
        if (random.NextDouble() > 0.62)
        {
            yield break;
        }
        at += random.Next(3, 20);
        yield return (EventTypes.RewardView, at);
        if (random.NextDouble() > buyer * 4.5)
        {
            yield break;
        }
        at += random.Next(5, 30);
        // Incidents draw their own randomness only when they happen, so the demo's journeys stay as they were.
        if (conditionsAt(at) is { CartBreakage: > 0 } broken && random.NextDouble() < broken.CartBreakage)
        {
            yield break;
        }
        yield return (EventTypes.CartCreated, at);
        if (random.NextDouble() > 0.78)
        {
            yield break;
        }
        if (conditionsAt(at) is { CheckoutAbandon: > 0 } surprise && random.NextDouble() < surprise.CheckoutAbandon)
        {
            yield break;
        }
        at += random.Next(8, 60);
        yield return (EventTypes.CheckoutStarted, at);
        var conditions = conditionsAt(at);
        if (random.NextDouble() < conditions.CheckoutBreakage)
        {
            // The incident breaks this checkout; most broken checkouts are reported, some just never complete.
            if (random.NextDouble() < conditions.ReportedFailureShare)
            {
                yield return (EventTypes.CheckoutFailed, at + random.Next(3, 15));
            }
            yield break;
        }
        if (random.NextDouble() < conditions.PaymentFailure)
        {
            at += random.Next(3, 15);
            yield return (EventTypes.CheckoutFailed, at);
            if (random.NextDouble() < 0.5)
            {
                yield break;
            }
            at += random.Next(5, 30);
            yield return (EventTypes.CheckoutStarted, at);
        }
        if (random.NextDouble() > 0.88)
        {
            yield break;
        }
        at += random.Next(5, 40);
        yield return (EventTypes.PledgeCompleted, at);
    }
}
