using Crowdstart.Pipeline.Events;
using static Crowdstart.Pipeline.Recommendations.RecommendationText;

namespace Crowdstart.Pipeline.Recommendations.Rules;

/// <summary>
/// Checkout failures concentrated on one device (<c>properties.device</c>) over the last 24 h. Fires when the device
/// has at least <see cref="MinAttempts"/> checkouts and <see cref="MinFailures"/> failures, holds at least
/// <see cref="MinShareOfFailures"/> of all failures, fails at least <see cref="MinRatio"/>× and
/// <see cref="MinExcess"/> more often than the other devices together (which need <see cref="MinAttempts"/> checkouts
/// too), and a two-proportion test gives z ≥ <see cref="Proportions.Z"/>.
/// </summary>
public sealed class DeviceCheckoutFailureRule : IRecommendationRule
{
    public const long MinAttempts = 30;
    public const long MinFailures = 10;
    public const double MinShareOfFailures = 0.5;
    public const double MinRatio = 2;
    public const double MinExcess = 0.05;

    public string Key => RecommendationRules.DeviceCheckoutFailures;

    public Recommendation? Evaluate(RecommendationInputs inputs)
    {
        var devices = inputs.Recent.Devices;
        long attempts = devices.Sum(d => d.Attempts), failures = devices.Sum(d => d.Failures);
        if (failures < MinFailures || inputs.Recent.Hours <= 0)
        {
            return null;
        }
        var best = devices
            .Where(d => d.Device.Length > 0 && d.Attempts >= MinAttempts && d.Failures >= MinFailures && attempts - d.Attempts >= MinAttempts
                && d.Failures >= MinShareOfFailures * failures)
            .Select(d => (d.Device, d.Attempts, d.Failures, Rate: Math.Min(1, (double)d.Failures / d.Attempts),
                Others: (double)Math.Max(0, failures - d.Failures) / (attempts - d.Attempts)))
            .Where(d => d.Rate >= MinRatio * d.Others && d.Rate - d.Others >= MinExcess
                && Proportions.TwoProportionZ(Math.Min(d.Failures, d.Attempts), d.Attempts, Math.Max(0, failures - d.Failures), attempts - d.Attempts) >= Proportions.Z)
            .OrderByDescending(d => d.Attempts * (d.Rate - d.Others)).ThenBy(d => d.Device, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best.Device is null)
        {
            return null;
        }
        var perDay = best.Attempts * (best.Rate - best.Others) * 24 / Math.Min(24, inputs.Recent.Hours);
        var value = (decimal)perDay * (inputs.AveragePledge ?? 0);
        return new Recommendation(
            Key,
            $"Checkout fails on {best.Device} far more than on other devices ({Percent(best.Rate)} vs {Percent(best.Others)}): test the payment flow there",
            new RecommendationEvidence(
                $"Checkout failure rate on {best.Device}, last 24 h",
                best.Device,
                best.Rate,
                Percent(best.Rate),
                $"Failed checkouts ÷ checkouts started by customers on {best.Device} (the events' device property), over the last 24 h.",
                "other devices",
                best.Others,
                Percent(best.Others),
                "The same share over every other device's checkouts in the same 24 h.",
                $"{Count(best.Attempts)} checkouts, {Count(best.Failures)} failed ({Percent((double)best.Failures / failures)} of all failures)"),
            $"About {perDay:0} fewer failed checkouts a day at the other devices' rate" +
            (value > 0 ? $": up to ≈ {Money(value, inputs.Currency)} a day if those customers pledged the average." : "."),
            value,
            $"({Percent(best.Rate)} − {Percent(best.Others)}) × {Count(best.Attempts)} checkouts on {best.Device}, per day, × the campaign's average pledge so far. An upper bound: some customers retry and pledge anyway.",
            new RecommendationQuery([EventTypes.CheckoutStarted, EventTypes.CheckoutFailed], ["property:device", "type"], ["count"], 24));
    }
}
