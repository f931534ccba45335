namespace Crowdstart.Pipeline.Recommendations;

/// <summary>
/// The statistics that keep the rules off noise: Wilson score bounds of a share and the two-proportion z-test. A rule
/// fires only when the difference is both large (its own effect-size threshold) and unlikely to be chance.
/// </summary>
public static class Proportions
{
    /// <summary>
    /// z for a one-sided p of about 0.005. Strict on purpose: a campaign has several sources, devices and tiers, each
    /// re-tested every few seconds, and a recommendation that comes and goes on noise is worse than none.
    /// </summary>
    public const double Z = 2.576;

    /// <summary>Wilson score interval of <paramref name="successes"/> out of <paramref name="trials"/> at <paramref name="z"/>.</summary>
    public static (double Low, double High) Wilson(long successes, long trials, double z = Z)
    {
        if (trials <= 0)
        {
            return (0, 1);
        }
        var n = (double)trials;
        var p = successes / n;
        var z2 = z * z;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// Pooled two-proportion z statistic of k1/n1 against k2/n2: positive when the first share is higher. 0 when either
    /// group is empty or the pooled share is 0 or 1 (no variance: nothing to tell apart).
    /// </summary>
    public static double TwoProportionZ(long k1, long n1, long k2, long n2)
    {
        if (n1 <= 0 || n2 <= 0)
        {
            return 0;
        }
        var pooled = (double)(k1 + k2) / (n1 + n2);
        var variance = pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2);
        return variance <= 0 ? 0 : ((double)k1 / n1 - (double)k2 / n2) / Math.Sqrt(variance);
    }
}
