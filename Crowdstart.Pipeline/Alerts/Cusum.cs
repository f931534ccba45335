namespace Crowdstart.Pipeline.Alerts;

/// <summary>Where a sequential test stands at the latest bucket.</summary>
/// <param name="Statistic">The CUSUM: log-likelihood ratio of "changed" against "normal" since the run began (≥ 0).</param>
/// <param name="RunStart">Index of the first bucket of the current run (the evidence since the statistic was last 0).</param>
/// <param name="Observed">Events counted in the run.</param>
/// <param name="Exposure">Trials in the run (for counts: expected events under the normal rate).</param>
/// <param name="Length">Buckets in the run.</param>
public readonly record struct CusumState(double Statistic, int RunStart, double Observed, double Exposure, int Length);

/// <summary>
/// Page's CUSUM over 10-second buckets: each bucket adds its log-likelihood ratio of the designed change against
/// the normal rate and the sum restarts at zero whenever the evidence points back to normal. Evidence thus
/// accumulates as it arrives: a large shift crosses the threshold within a few buckets, a small one needs volume.
/// </summary>
public static class Cusum
{
    /// <summary>
    /// Rate test: bucket i's <paramref name="successes"/> against <paramref name="p0"/> (normal) or <paramref name="p1"/>
    /// (designed change) times its <paramref name="trials"/>, a lag-averaged count. Successes are modelled as Poisson,
    /// not binomial: a bucket's pledges complete checkouts from several earlier buckets, so they vary like counts, and a
    /// binomial test would read that scatter as evidence (a test with the wrong variance alerts on noise).
    /// </summary>
    public static CusumState Rate(int from, int to, Func<int, double> successes, Func<int, double> trials, double p0, double p1)
    {
        var ratio = Math.Log(p1 / p0);
        return Run(from, to, i =>
        {
            var x = successes(i);
            var n = trials(i);
            return (x * ratio - (p1 - p0) * n, x, n);
        });
    }

    /// <summary>A test whose per-bucket log-likelihood ratio, observed events and exposure the caller computes (several counts at once).</summary>
    public static CusumState Custom(int from, int to, Func<int, (double Llr, double Observed, double Exposure)> step) => Run(from, to, step);

    /// <summary>Poisson count test: bucket i's count against a normal mean per bucket <paramref name="lambda0"/> and a designed <paramref name="lambda1"/>.</summary>
    public static CusumState Count(int from, int to, Func<int, double> counts, double lambda0, double lambda1)
    {
        var ratio = Math.Log(lambda1 / lambda0);
        return Run(from, to, i =>
        {
            var x = counts(i);
            return (x * ratio - (lambda1 - lambda0), x, lambda0);
        });
    }

    /// <summary>Evidence per bucket against <paramref name="p1"/> when the rate is <paramref name="p0"/> over <paramref name="trials"/> trials (Kullback–Leibler).</summary>
    public static double RateInformation(double p0, double p1, double trials) => trials * (p0 * Math.Log(p0 / p1) - (p0 - p1));

    /// <summary>Evidence per bucket against a mean of <paramref name="lambda1"/> when it is <paramref name="lambda0"/>.</summary>
    public static double CountInformation(double lambda0, double lambda1) => lambda0 * Math.Log(lambda0 / lambda1) - (lambda0 - lambda1);

    private static CusumState Run(int from, int to, Func<int, (double Llr, double Observed, double Exposure)> step)
    {
        double s = 0, observed = 0, exposure = 0;
        var start = from;
        for (var i = from; i < to; i++)
        {
            var (llr, x, n) = step(i);
            if (s <= 0)
            {
                start = i;
                observed = 0;
                exposure = 0;
            }
            s = Math.Max(0, s + llr);
            observed += x;
            exposure += n;
        }
        return new CusumState(s, start, observed, exposure, to - start);
    }
}
