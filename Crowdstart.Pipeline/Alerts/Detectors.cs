using System.Globalization;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>What the detectors know besides the campaign's own counts.</summary>
/// <param name="CampaignId">The campaign (left out of the platform's prior).</param>
/// <param name="Prior">The platform's launch prior.</param>
/// <param name="OpenSince">Open alerts' opening times by detector: their baselines stay where they were before the incident.</param>
public sealed record DetectorContext(Guid CampaignId, LaunchPrior Prior, IReadOnlyDictionary<string, DateTimeOffset> OpenSince)
{
    public static readonly DetectorContext None = new(Guid.Empty, LaunchPrior.Empty, new Dictionary<string, DateTimeOffset>());
}

/// <summary>
/// The detectors: each runs a sequential test (CUSUM, <see cref="Cusum"/>) on the 10-second counts of its recent
/// stretch against what is normal for the campaign — its own preceding hour, blended with the platform's launch
/// prior while that hour is still short, or an absolute guard where neither exists yet. A detector speaks when the
/// evidence reaches <see cref="DetectorSettings.Threshold"/> and its volume guard holds; a quiet campaign at night has
/// too little evidence to speak.
/// </summary>
public static class Detectors
{
    private const int BucketsPerMinute = 6;

    /// <summary>Minutes of the campaign's own traffic before the traffic detectors judge it (traffic levels have no platform prior).</summary>
    public const int TrafficLearningMinutes = 5;

    /// <summary>
    /// Absolute guards, for the first minutes when neither the campaign nor the platform says what is normal: failures
    /// of 15 % of checkouts can be normal, 30 % never are; and pledges stopping while checkouts continue is an incident
    /// whatever the usual conversion (at least 30 % of checkouts complete on any working page).
    /// </summary>
    public const double GuardFailureShare = 0.15;
    public const double GuardConversion = 0.3;

    private sealed record RateTest(string Detector, string Label, FunnelRate Rate, bool Rise, double? Guard, Func<DetectorSettings, int> MinTrials,
        Func<DetectorSettings, double, double> Designed);

    private static readonly RateTest CheckoutConversionTest = new(DetectorKinds.CheckoutConversionDrop, "Checkout → pledge conversion",
        FunnelRate.CheckoutConversion, false, null, s => s.MinCheckouts, (s, p0) => p0 * (1 - s.MinRelativeChange));

    private static readonly RateTest[] RateTests =
    [
        CheckoutConversionTest,
        new(DetectorKinds.VisitConversionDrop, "Visit → pledge conversion", FunnelRate.VisitConversion, false, null, s => s.MinVisits,
            (s, p0) => p0 * (1 - s.MinRelativeChange)),
        // Pledges (almost) stop while checkouts go on: designed for a fall to a tenth, with a guard from the first minute.
        new(DetectorKinds.RevenueStall, "Pledges", FunnelRate.CheckoutConversion, false, GuardConversion, s => s.MinCheckouts, (_, p0) => p0 * 0.1),
        new(DetectorKinds.CheckoutFailureSpike, "Checkout failures", FunnelRate.FailureShare, true, GuardFailureShare, s => s.MinCheckouts,
            (s, p0) => Math.Min(0.95, Math.Max(p0 * (1 + 2.5 * s.MinRelativeChange), p0 + 0.1))),
        new(DetectorKinds.RewardToCartDrop, "Reward → cart", FunnelRate.RewardToCart, false, null, s => s.MinVisits,
            (s, p0) => p0 * (1 - s.MinRelativeChange)),
        new(DetectorKinds.CartToCheckoutDrop, "Cart → checkout", FunnelRate.CartToCheckout, false, null, s => s.MinCheckouts,
            (s, p0) => p0 * (1 - s.MinRelativeChange)),
    ];

    /// <summary>Every detector's signal(s) for the latest moment of <paramref name="series"/>.</summary>
    public static IEnumerable<Signal> Evaluate(CampaignSeries series, DetectorSettings settings) => Evaluate(series, settings, DetectorContext.None);

    /// <summary>Every detector's signal(s) for the latest moment of <paramref name="series"/>; a detector still learning reports nothing.</summary>
    public static IEnumerable<Signal> Evaluate(CampaignSeries series, DetectorSettings settings, DetectorContext context)
    {
        if (series.Count == 0 || series.End <= series.LaunchAt)
        {
            yield break;
        }
        foreach (var test in RateTests)
        {
            if (RateSignal(series, settings, context, test) is { } signal)
            {
                yield return signal;
            }
        }
        foreach (var signal in Traffic(series, settings, context))
        {
            yield return signal;
        }
    }

    /// <summary>How long a series the detectors read: the baseline, the test stretch, and an hour for an open alert's frozen baseline.</summary>
    public static int SpanMinutes(DetectorSettings settings) =>
        settings.BaselineMinutes + Math.Max(settings.ConversionMemoryMinutes, settings.TrafficMemoryMinutes) + 60;

    /// <summary>What each detector judges against right now: the campaign's own baseline, the platform's prior, a guard, or nothing yet.</summary>
    public static IReadOnlyList<DetectorReadiness> Readiness(CampaignSeries series, DetectorSettings settings, DetectorContext context)
    {
        var result = new List<DetectorReadiness>();
        foreach (var test in RateTests)
        {
            var b = Baseline(series, settings, context, test);
            result.Add(new DetectorReadiness(test.Detector, b.Basis, b.Basis == DetectorBasis.Learning ? null : b.Mean, b.PriorCampaigns));
        }
        var (_, baselineMinutes) = TrafficBaseline(series, settings, context, DetectorKinds.TrafficDrop);
        var traffic = baselineMinutes >= TrafficLearningMinutes ? DetectorBasis.Own : DetectorBasis.Learning;
        result.Add(new DetectorReadiness(DetectorKinds.TrafficDrop, traffic, null, 0));
        result.Add(new DetectorReadiness(DetectorKinds.TrafficSpike, traffic, null, 0));
        return result;
    }

    private sealed record RateBaseline(DetectorBasis Basis, double Mean, double Low, double High, int BaseEnd, long OwnTrials, int PriorCampaigns);

    /// <summary>
    /// The normal rate: a Beta posterior of the platform's launch prior (at the campaign's hour since launch) updated
    /// with the campaign's own recent hour, so the prior fades as the campaign's own outcomes accumulate.
    /// </summary>
    private static RateBaseline Baseline(CampaignSeries s, DetectorSettings settings, DetectorContext context, RateTest test)
    {
        var memory = settings.ConversionMemoryMinutes * BucketsPerMinute;
        var baseEnd = s.Count - memory;
        if (Frozen(s, context, test.Detector) is { } openedAt)
        {
            baseEnd = Math.Min(baseEnd, s.IndexAt(openedAt) - memory);
        }
        baseEnd = Math.Max(baseEnd, 0);
        var baseStart = Math.Max(Math.Max(0, s.IndexAt(s.LaunchAt)), baseEnd - settings.BaselineMinutes * BucketsPerMinute);
        long successes = 0, trials = 0;
        if (baseEnd > baseStart)
        {
            successes = s.Sum(test.Rate.Successes, baseStart, baseEnd);
            trials = Math.Max(s.Sum(test.Rate.Trials, baseStart, baseEnd), successes);
        }
        var hour = (int)Math.Max(0, (s.End - s.LaunchAt).TotalHours);
        var prior = context.Prior.For(test.Rate, hour, context.CampaignId);
        var alpha = (prior?.Alpha ?? 0) + successes;
        var beta = (prior?.Beta ?? 0) + (trials - successes);
        var weight = alpha + beta;
        if (weight < 3 * test.MinTrials(settings) || alpha <= 0 && !test.Rise)
        {
            return test.Guard is { } guard
                ? new RateBaseline(DetectorBasis.Guard, guard, guard, guard, baseEnd, trials, 0)
                : new RateBaseline(DetectorBasis.Learning, 0, 0, 0, baseEnd, trials, 0);
        }
        var mean = alpha / weight;
        var sd = Math.Sqrt(mean * (1 - mean) / (weight + 1));
        var basis = prior is not null && prior.Weight > trials ? DetectorBasis.Platform : DetectorBasis.Own;
        return new RateBaseline(basis, mean, Math.Max(1e-4, mean - 1.96 * sd), Math.Min(0.999, mean + 1.96 * sd), baseEnd, trials,
            prior?.Campaigns ?? 0);
    }

    private static Signal? RateSignal(CampaignSeries s, DetectorSettings settings, DetectorContext context, RateTest test)
    {
        var baseline = Baseline(s, settings, context, test);
        if (baseline.Basis == DetectorBasis.Learning)
        {
            return null;
        }
        // Tested against the cautious end of what is normal: an hour of a quiet campaign, or a prior over different
        // campaigns, is a noisy estimate, and its noise must not turn into alerts.
        var p0 = test.Rise ? baseline.High : baseline.Low;
        p0 = Math.Clamp(p0, 1e-4, 0.98);
        var p1 = Math.Clamp(test.Designed(settings, p0), 1e-5, 0.99);
        var rate = test.Rate;
        var lagWidth = rate.LagTo - rate.LagFrom + 1;
        double Trials(int i) => (double)s.Sum(rate.Trials, i - rate.LagTo, i - rate.LagFrom + 1) / lagWidth;
        double Successes(int i) => s.Sum(rate.Successes, i, i + 1);
        var state = Cusum.Rate(baseline.BaseEnd, s.Count, Successes, Trials, p0, p1);
        // The threshold follows the campaign's volume: trials per bucket over the test stretch.
        var memory = settings.ConversionMemoryMinutes * BucketsPerMinute;
        var perBucket = (double)s.Sum(rate.Trials, Math.Max(0, s.Count - memory), s.Count) / Math.Min(memory, s.Count);
        var information = Cusum.RateInformation(p0, p1, perBucket);
        if (test.Detector == DetectorKinds.CheckoutFailureSpike &&
            Baseline(s, settings, context, CheckoutConversionTest) is { Basis: DetectorBasis.Own or DetectorBasis.Platform } conversion)
        {
            // Failed checkouts are checkouts that did not pledge: the test weighs the pledges that go missing as well as
            // the failures that appear (designed: the extra failures replace as many pledges), which is most of an
            // outage's evidence at a few checkouts a minute.
            var c0 = Math.Clamp(conversion.Low, 0.02, 0.98);
            var c1 = Math.Max(0.01, c0 - (p1 - p0));
            var pledges = FunnelRate.CheckoutConversion;
            var pledgeLag = pledges.LagTo - pledges.LagFrom + 1;
            double PledgeTrials(int i) => (double)s.Sum(pledges.Trials, i - pledges.LagTo, i - pledges.LagFrom + 1) / pledgeLag;
            var (failUp, pledgeDown) = (Math.Log(p1 / p0), Math.Log(c1 / c0));
            var combined = Cusum.Custom(baseline.BaseEnd, s.Count, i =>
            {
                var (failures, trialsNow) = (Successes(i), Trials(i));
                var llr = failures * failUp - (p1 - p0) * trialsNow + s.Pledges(i, i + 1) * pledgeDown - (c1 - c0) * PledgeTrials(i);
                return (llr, failures, trialsNow);
            });
            state = combined;
            information += Cusum.RateInformation(c0, c1, perBucket);
        }
        var trials = Math.Max(state.Exposure, state.Observed);
        var observed = trials > 0 ? state.Observed / trials : 0;
        var threshold = settings.Threshold(information);
        var anomalous = state.Statistic >= threshold && trials >= test.MinTrials(settings) &&
                        (test.Rise ? observed > p0 : observed < p0);
        var minutes = Math.Max(1, (int)Math.Round((s.Count - state.RunStart) / (double)BucketsPerMinute));
        var expected = Expected(baseline, test);
        var shown = (int)Math.Round(trials);
        var message = test.Detector switch
        {
            DetectorKinds.RevenueStall =>
                $"Pledges stalled: {state.Observed:0} pledges from {shown} checkouts over the last {minutes} min ({expected})",
            DetectorKinds.CheckoutFailureSpike =>
                $"Checkout failures rose to {Percent(observed)} of checkouts over the last {minutes} min ({state.Observed:0} of {shown}; {expected})",
            _ => $"{test.Label} fell to {Percent(observed)} over the last {minutes} min ({state.Observed:0} of {shown}; {expected})",
        };
        var severity = test.Detector == DetectorKinds.RevenueStall ? AlertSeverity.Critical
            : test.Rise ? (observed >= 0.5 ? AlertSeverity.Critical : AlertSeverity.Warning)
            : observed <= 0.5 * baseline.Mean ? AlertSeverity.Critical : AlertSeverity.Warning;
        return new Signal(test.Detector, "campaign", anomalous, severity, message, observed, baseline.Low, baseline.High);
    }

    private static string Expected(RateBaseline b, RateTest test) => b.Basis switch
    {
        DetectorBasis.Guard when test.Rise => $"more than {Percent(2 * b.Mean)} is never normal",
        DetectorBasis.Guard => $"a working checkout completes at least {Percent(b.Mean)}",
        DetectorBasis.Platform => $"launches on the platform: {Percent(b.Low)}–{Percent(b.High)}",
        _ => $"baseline {Percent(b.Low)}–{Percent(b.High)}",
    };

    /// <summary>
    /// The traffic baseline: visits per minute over the hour before the test stretch (frozen before an open alert),
    /// and how many minutes of it there are. Traffic has no platform prior: campaigns' audiences differ by orders of magnitude.
    /// </summary>
    private static (List<double> Minutes, int Count) TrafficBaseline(CampaignSeries s, DetectorSettings settings, DetectorContext context, string detector,
        Func<BucketCounts, int>? value = null)
    {
        var memory = settings.TrafficMemoryMinutes * BucketsPerMinute;
        var baseEnd = s.Count - memory;
        if (Frozen(s, context, detector) is { } openedAt)
        {
            baseEnd = Math.Min(baseEnd, s.IndexAt(openedAt) - memory);
        }
        baseEnd = Math.Max(0, baseEnd);
        var baseStart = Math.Max(Math.Max(0, s.IndexAt(s.LaunchAt)), baseEnd - settings.BaselineMinutes * BucketsPerMinute);
        var minutes = PerMinute(s, baseStart, baseEnd, value ?? (b => b.Visits));
        return (minutes, minutes.Count);
    }

    private static IEnumerable<Signal> Traffic(CampaignSeries s, DetectorSettings settings, DetectorContext context)
    {
        foreach (var detector in new[] { DetectorKinds.TrafficDrop, DetectorKinds.TrafficSpike })
        {
            var (perMinute, count) = TrafficBaseline(s, settings, context, detector);
            if (count < TrafficLearningMinutes)
            {
                continue;
            }
            var memory = settings.TrafficMemoryMinutes * BucketsPerMinute;
            var from = s.Count - memory;
            if (Frozen(s, context, detector) is { } openedAt)
            {
                from = Math.Min(from, s.IndexAt(openedAt) - memory);
            }
            from = Math.Max(0, from);
            var median = Statistics.Median([.. perMinute]);
            var (p10, p90) = Quantiles(perMinute);
            double Visits(int i) => s.Visits(i, i + 1);
            if (detector == DetectorKinds.TrafficDrop)
            {
                // Towards a share of the baseline's slow minutes (p10): waves and the launch surge's decay stay normal.
                var lambda0 = Math.Max(p10, 0.1) / BucketsPerMinute;
                var lambda1 = settings.TrafficDropFactor * lambda0;
                var state = Cusum.Count(from, s.Count, Visits, lambda0, lambda1);
                var runMinutes = (s.Count - state.RunStart) / (double)BucketsPerMinute;
                var expected = median * runMinutes;
                var rate = runMinutes > 0 ? state.Observed / runMinutes : 0;
                var anomalous = state.Statistic >= settings.Threshold(Cusum.CountInformation(lambda0, lambda1)) && expected >= settings.MinVisits && rate < p10;
                yield return new Signal(DetectorKinds.TrafficDrop, "campaign", anomalous, rate <= 0.3 * median ? AlertSeverity.Critical : AlertSeverity.Warning,
                    $"Visits fell to {Number(rate)}/min over the last {Math.Max(1, (int)Math.Round(runMinutes))} min (baseline {Number(p10)}–{Number(p90)}/min)",
                    rate, p10, p90);
            }
            else
            {
                yield return Spike(s, settings, context, from, median, p10, p90);
            }
        }
    }

    /// <summary>
    /// A spike in all traffic, or in one source's (a viral post is one network's): each against a multiple of its busy
    /// minutes (p90). One spike stays one alert: the source goes into the message, not the scope.
    /// </summary>
    private static Signal Spike(CampaignSeries s, DetectorSettings settings, DetectorContext context, int from, double median, double p10, double p90)
    {
        double Visits(int i) => s.Visits(i, i + 1);
        var lambda0 = Math.Max(p90, 1) / BucketsPerMinute;
        var total = Cusum.Count(from, s.Count, Visits, lambda0, settings.TrafficSpikeFactor * lambda0);
        var runStart = total.RunStart;
        var anomalous = total.Statistic >= settings.Threshold(Cusum.CountInformation(lambda0, settings.TrafficSpikeFactor * lambda0)) &&
                        Excess(total, median) >= settings.MinVisits;
        var sources = new HashSet<string>();
        for (var i = from; i < s.Count; i++)
        {
            sources.UnionWith(s[i].VisitsBySource.Keys);
        }
        // Each source is a test of its own: the threshold grows with their number (a union bound).
        var extra = Math.Log(Math.Max(1, sources.Count));
        var sourceMedians = new Dictionary<string, double>();
        foreach (var source in sources)
        {
            var (minutes, _) = TrafficBaseline(s, settings, context, DetectorKinds.TrafficSpike, b => b.VisitsBySource.GetValueOrDefault(source));
            var (_, sourceP90) = Quantiles(minutes);
            var sourceMedian = sourceMedians[source] = Statistics.Median(minutes);
            var l0 = Math.Max(sourceP90, 1) / BucketsPerMinute;
            var state = Cusum.Count(from, s.Count, i => s[i].VisitsBySource.GetValueOrDefault(source), l0, settings.TrafficSpikeFactor * l0);
            if (state.Statistic >= settings.Threshold(Cusum.CountInformation(l0, settings.TrafficSpikeFactor * l0)) + extra &&
                Excess(state, sourceMedian) >= settings.MinVisits)
            {
                if (!anomalous || state.RunStart < runStart)
                {
                    runStart = state.RunStart;
                }
                anomalous = true;
            }
        }
        var runMinutes = Math.Max(1.0 / BucketsPerMinute, (s.Count - runStart) / (double)BucketsPerMinute);
        var observed = s.Visits(runStart, s.Count);
        var rate = observed / runMinutes;
        var driver = "";
        if (anomalous)
        {
            var excess = observed - median * runMinutes;
            var top = s.Visits(runStart, s.Count) > 0
                ? sources.Select(source =>
                {
                    var now = 0;
                    for (var i = runStart; i < s.Count; i++)
                    {
                        now += s[i].VisitsBySource.GetValueOrDefault(source);
                    }
                    return (Source: source, Excess: now - sourceMedians[source] * runMinutes);
                }).OrderByDescending(x => x.Excess).FirstOrDefault()
                : default;
            if (top.Source is not null && excess > 0 && top.Excess >= 0.6 * excess)
            {
                driver = $", driven by {top.Source} ({Percent(Math.Min(1, top.Excess / excess))} of the extra visits)";
            }
        }
        var shown = Math.Max(1, (int)Math.Round(runMinutes));
        return new Signal(DetectorKinds.TrafficSpike, "campaign", anomalous, rate >= 3 * median ? AlertSeverity.Warning : AlertSeverity.Info,
            $"Visits rose to {Number(rate)}/min over the last {shown} min (baseline {Number(p10)}–{Number(p90)}/min){driver}", rate, p10, p90);
    }

    /// <summary>
    /// How long an open alert keeps its baseline from before the incident: long enough that an ongoing outage does not
    /// become normal and resolve itself, short enough that a campaign which really changed (the launch surge settling)
    /// is judged against its new normal again.
    /// </summary>
    public static readonly TimeSpan FreezeLimit = TimeSpan.FromMinutes(30);

    private static DateTimeOffset? Frozen(CampaignSeries s, DetectorContext context, string detector) =>
        context.OpenSince.TryGetValue(detector, out var openedAt) && s.End - openedAt <= FreezeLimit ? openedAt : null;

    /// <summary>Visits of a run beyond the usual: a spike must bring at least the minimum volume, not just a busy bucket.</summary>
    private static double Excess(CusumState state, double medianPerMinute) => state.Observed - medianPerMinute / BucketsPerMinute * state.Length;

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
