using System.Globalization;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// The detectors: each compares the current window with the campaign's own baseline (the preceding hour) using an
/// exact one-sided binomial or Poisson test, and only calls a window anomalous when the change is both
/// significant and large (<see cref="DetectorSettings.MinRelativeChange"/>) and the volume guards hold — a quiet
/// campaign at night has too few trials to be significant, so it does not alert on noise.
/// </summary>
public static class Detectors
{
    private const int BucketsPerMinute = 6;

    /// <summary>Every detector's signal(s) for the latest moment of <paramref name="series"/>.</summary>
    public static IEnumerable<Signal> Evaluate(CampaignSeries series, DetectorSettings settings)
    {
        var n = series.Count;
        var baselineBuckets = settings.BaselineMinutes * BucketsPerMinute;
        // Learning period: the baseline must lie entirely after the launch (a launch is not an anomaly of itself).
        var needed = baselineBuckets + WindowMinutes(settings) * BucketsPerMinute;
        if (n < needed || series[n - needed].Start < series.LaunchAt)
        {
            yield break;
        }
        yield return CheckoutConversion(series, settings);
        yield return VisitConversion(series, settings);
        foreach (var signal in Traffic(series, settings))
        {
            yield return signal;
        }
        yield return RevenueStall(series, settings);
        yield return FailureSpike(series, settings);
    }

    /// <summary>Longest stretch before the baseline that any detector measures, in minutes.</summary>
    public static int WindowMinutes(DetectorSettings settings) =>
        Math.Max(settings.ConversionWindowMinutes * 4, Math.Max(settings.TrafficWindowMinutes, settings.StallWindowMinutes));

    private static (int From, int To, int BaseFrom) Window(CampaignSeries s, int minutes, DetectorSettings settings)
    {
        var to = s.Count;
        var from = to - minutes * BucketsPerMinute;
        return (from, to, from - settings.BaselineMinutes * BucketsPerMinute);
    }

    // Conversion is tested over several windows at once (Bonferroni-corrected): a short one catches a sharp drop at
    // high volume within a minute or two, a long one a smaller drop at low volume.
    private static readonly int[] ConversionWindows = [1, 2, 5, 10, 20];

    private static Signal CheckoutConversion(CampaignSeries s, DetectorSettings settings) =>
        Conversion(s, settings, DetectorKinds.CheckoutConversionDrop, "Checkout → pledge conversion", settings.MinCheckouts,
            (from, to) => (int)s.Checkouts(from, to));

    private static Signal VisitConversion(CampaignSeries s, DetectorSettings settings) =>
        Conversion(s, settings, DetectorKinds.VisitConversionDrop, "Visit → pledge conversion", settings.MinVisits,
            (from, to) => (int)s.Visits(from, to));

    /// <summary>
    /// Trials of a conversion window: the counted events, but never fewer than the window's pledges. As on the
    /// dashboard (docs/metrics.md §1), a pledge whose visit or checkout fell before the window or arrived late
    /// counts as its own trial, so the rate is a share (≤ 100 %) without clamping the successes to the trials.
    /// </summary>
    private static int Trials(CampaignSeries s, Func<int, int, int> counted, int from, int to) =>
        (int)Math.Max(counted(from, to), s.Pledges(from, to));

    private static Signal Conversion(CampaignSeries s, DetectorSettings settings, string detector, string label, int minTrials,
        Func<int, int, int> trialsIn)
    {
        Signal? best = null;
        var bestP = double.MaxValue;
        var alpha = settings.Significance / ConversionWindows.Length;
        foreach (var minutes in ConversionWindows.Where(m => m <= settings.ConversionWindowMinutes * 4))
        {
            var to = s.Count;
            var from = to - minutes * BucketsPerMinute;
            var baseFrom = to - settings.ConversionWindowMinutes * 4 * BucketsPerMinute - settings.BaselineMinutes * BucketsPerMinute;
            var baseTo = baseFrom + settings.BaselineMinutes * BucketsPerMinute;
            var trials = Trials(s, trialsIn, from, to);
            var successes = (int)s.Pledges(from, to);
            var baseTrials = Trials(s, trialsIn, baseFrom, baseTo);
            var baseSuccesses = (int)s.Pledges(baseFrom, baseTo);
            var rate = trials > 0 ? (double)successes / trials : 0;
            var (low, high) = Statistics.Wilson(baseSuccesses, baseTrials);
            if (trials < minTrials || baseTrials < 3 * minTrials || baseSuccesses == 0)
            {
                best ??= new Signal(detector, "campaign", false, AlertSeverity.Info, $"{label}: too little traffic to judge", rate, low, high);
                continue;
            }
            var p0 = Math.Min(0.999, (double)baseSuccesses / baseTrials);
            // Tested against the low end of the baseline's confidence interval: an hour of a quiet campaign is a
            // noisy estimate, and its noise must not turn into alerts.
            var pValue = Statistics.BinomialLowerTail(successes, trials, Math.Min(p0, Math.Max(low, 1e-6)));
            var anomalous = rate <= (1 - settings.MinRelativeChange) * p0 && pValue < alpha;
            var signal = new Signal(detector, "campaign", anomalous, rate <= 0.5 * p0 ? AlertSeverity.Critical : AlertSeverity.Warning,
                $"{label} fell to {Percent(rate)} over the last {minutes} min ({successes} of {trials}; baseline {Percent(low)}–{Percent(high)})",
                rate, low, high);
            // Report the strongest evidence: an anomalous window beats a normal one, then the smallest p-value.
            if (best is null || (anomalous && !best.Anomalous) || (anomalous == best.Anomalous && pValue < bestP))
            {
                best = signal;
                bestP = pValue;
            }
        }
        return best ?? new Signal(detector, "campaign", false, AlertSeverity.Info, $"{label}: no window configured", 0, 0, 0);
    }

    private static IEnumerable<Signal> Traffic(CampaignSeries s, DetectorSettings settings)
    {
        var (from, to, baseFrom) = Window(s, settings.TrafficWindowMinutes, settings);
        var minutes = settings.TrafficWindowMinutes;
        var observed = (int)s.Visits(from, to);
        // Robust baseline: the median minute, so an earlier spike inside the baseline does not raise it.
        var perMinute = PerMinute(s, baseFrom, from, b => b.Visits);
        var median = Statistics.Median([.. perMinute]);
        var (p10, p90) = Quantiles(perMinute);
        var expected = median * minutes;
        var rate = (double)observed / minutes;

        // Drop: below a share of the baseline's slow minutes (p10), and significantly so.
        var dropLimit = settings.TrafficDropFactor * p10 * minutes;
        var dropAnomalous = expected >= settings.MinVisits && observed <= dropLimit &&
                            Statistics.PoissonLowerTail(observed, p10 * minutes) < settings.Significance;
        yield return new Signal(DetectorKinds.TrafficDrop, "campaign", dropAnomalous,
            observed <= 0.3 * expected ? AlertSeverity.Critical : AlertSeverity.Warning,
            $"Visits fell to {Number(rate)}/min over the last {minutes} min (baseline {Number(p10)}–{Number(p90)}/min)", rate, p10, p90);

        // Spike: above a multiple of the baseline's busy minutes (p90), significantly, attributed to one source when
        // one source carries most of the excess.
        var spikeLimit = settings.TrafficSpikeFactor * Math.Max(p90, 1) * minutes;
        var spikeAnomalous = observed >= settings.MinVisits && observed >= spikeLimit &&
                             Statistics.PoissonUpperTail(observed, Math.Max(p90 * minutes, 0.5)) < settings.Significance;
        var scope = "campaign";
        var driver = "";
        if (spikeAnomalous)
        {
            var excess = observed - expected;
            var bySource = new Dictionary<string, (int Now, double Base)>();
            for (var i = from; i < to; i++)
            {
                foreach (var (source, count) in s[i].VisitsBySource)
                {
                    bySource[source] = (bySource.GetValueOrDefault(source).Now + count, 0);
                }
            }
            var top = bySource.Keys.Select(source =>
            {
                var baseline = Statistics.Median([.. PerMinute(s, baseFrom, from, b => b.VisitsBySource.GetValueOrDefault(source))]) * minutes;
                return (Source: source, Excess: bySource[source].Now - baseline);
            }).OrderByDescending(x => x.Excess).FirstOrDefault();
            // The source goes into the message, not the scope: one spike is one alert even when the share of its
            // main source wanders around the threshold.
            if (top.Source is not null && excess > 0 && top.Excess >= 0.6 * excess)
            {
                driver = $", driven by {top.Source} ({Percent(top.Excess / excess)} of the extra visits)";
            }
        }
        yield return new Signal(DetectorKinds.TrafficSpike, scope, spikeAnomalous,
            observed >= 3 * expected ? AlertSeverity.Warning : AlertSeverity.Info,
            $"Visits rose to {Number(rate)}/min over the last {minutes} min (baseline {Number(p10)}–{Number(p90)}/min){driver}", rate, p10, p90);
    }

    private static Signal RevenueStall(CampaignSeries s, DetectorSettings settings)
    {
        var (from, to, baseFrom) = Window(s, settings.StallWindowMinutes, settings);
        var minutes = settings.StallWindowMinutes;
        var pledges = (int)s.Pledges(from, to);
        var visits = s.Visits(from, to);
        var baseMinutes = settings.BaselineMinutes;
        var pledgeRate = (double)s.Pledges(baseFrom, from) / baseMinutes;
        var visitRate = (double)s.Visits(baseFrom, from) / baseMinutes;
        var expected = pledgeRate * minutes;
        // "Pledges stop while traffic continues": at least half the usual visits, and almost no pledges.
        var trafficContinues = visits >= 0.5 * visitRate * minutes;
        var anomalous = expected >= settings.MinExpectedPledges && trafficContinues && pledges <= 0.25 * expected &&
                        Statistics.PoissonLowerTail(pledges, expected) < settings.Significance;
        var (p10, p90) = Quantiles(PerMinute(s, baseFrom, from, b => b.Pledges));
        return new Signal(DetectorKinds.RevenueStall, "campaign", anomalous, AlertSeverity.Critical,
            $"Pledges stalled: {pledges} in the last {minutes} min while visits continue at {Number(visits / (double)minutes)}/min (baseline {Number(pledgeRate)} pledges/min)",
            pledges / (double)minutes, p10, p90);
    }

    private static Signal FailureSpike(CampaignSeries s, DetectorSettings settings)
    {
        Signal? best = null;
        var bestP = double.MaxValue;
        var windows = ConversionWindows.Where(m => m <= settings.ConversionWindowMinutes * 2).ToArray();
        var alpha = settings.Significance / windows.Length;
        foreach (var minutes in windows)
        {
            var to = s.Count;
            var from = to - minutes * BucketsPerMinute;
            var baseFrom = to - settings.ConversionWindowMinutes * 4 * BucketsPerMinute - settings.BaselineMinutes * BucketsPerMinute;
            var baseTo = baseFrom + settings.BaselineMinutes * BucketsPerMinute;
            var checkouts = (int)s.Checkouts(from, to);
            var failures = (int)Math.Min(s.Failures(from, to), Math.Max(checkouts, 1));
            var baseCheckouts = (int)s.Checkouts(baseFrom, baseTo);
            var baseFailures = (int)Math.Min(s.Failures(baseFrom, baseTo), baseCheckouts);
            var rate = checkouts > 0 ? (double)failures / checkouts : 0;
            var (low, high) = Statistics.Wilson(baseFailures, baseCheckouts);
            if (checkouts < settings.MinCheckouts || baseCheckouts < 3 * settings.MinCheckouts)
            {
                best ??= new Signal(DetectorKinds.CheckoutFailureSpike, "campaign", false, AlertSeverity.Info, "Checkout failures: too little traffic to judge", rate, low, high);
                continue;
            }
            // A baseline of zero failures still allows for the odd one: at least one in the baseline's worth of trials.
            var f0 = Math.Max((double)baseFailures / baseCheckouts, 1.0 / baseCheckouts);
            // Tested against the high end of the baseline's confidence interval (a quiet hour underestimates failures).
            var pValue = Statistics.BinomialUpperTail(failures, checkouts, Math.Max(f0, high));
            var anomalous = failures >= 3 && rate >= Math.Max(2 * f0, f0 + 0.1) && pValue < alpha;
            var signal = new Signal(DetectorKinds.CheckoutFailureSpike, "campaign", anomalous, rate >= 0.5 ? AlertSeverity.Critical : AlertSeverity.Warning,
                $"Checkout failures rose to {Percent(rate)} of checkouts over the last {minutes} min ({failures} of {checkouts}; baseline {Percent(low)}–{Percent(high)})",
                rate, low, high);
            if (best is null || (anomalous && !best.Anomalous) || (anomalous == best.Anomalous && pValue < bestP))
            {
                best = signal;
                bestP = pValue;
            }
        }
        return best ?? new Signal(DetectorKinds.CheckoutFailureSpike, "campaign", false, AlertSeverity.Info, "Checkout failures: no window configured", 0, 0, 0);
    }

    private static List<double> PerMinute(CampaignSeries s, int from, int to, Func<BucketCounts, int> value)
    {
        var minutes = new List<double>();
        for (var start = from; start + BucketsPerMinute <= to; start += BucketsPerMinute)
        {
            var sum = 0;
            for (var i = start; i < start + BucketsPerMinute; i++)
            {
                sum += value(s[i]);
            }
            minutes.Add(sum);
        }
        return minutes;
    }

    private static (double P10, double P90) Quantiles(List<double> values)
    {
        if (values.Count == 0)
        {
            return (0, 0);
        }
        var sorted = values.Order().ToList();
        return (sorted[(int)(0.1 * (sorted.Count - 1))], sorted[(int)Math.Ceiling(0.9 * (sorted.Count - 1))]);
    }

    private static string Percent(double ratio) => (ratio * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Number(double value) => value.ToString(value >= 10 ? "0" : "0.#", CultureInfo.InvariantCulture);
}
