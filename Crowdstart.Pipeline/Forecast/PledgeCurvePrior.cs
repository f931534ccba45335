namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// The usual shape of a crowdfunding campaign's money when there is nothing better to go on: a strong launch, a quiet
/// middle and a final surge (the U-shaped pledge curve). <see cref="Share"/> is the share of the final total raised by a
/// fraction of the duration: 35 % comes with the launch (exponential, most of it in the first 4 % of the time), 45 %
/// evenly over the whole campaign and 20 % in the final surge (a steep power of the time, most of it in the last 10 %).
/// The spread is wide on purpose and narrows as the campaign goes on: a prior that says little should not sound sure.
/// </summary>
public static class PledgeCurvePrior
{
    private const double LaunchShare = 0.35;
    private const double SteadyShare = 0.45;
    private const double SurgeShare = 0.20;
    private const double LaunchScale = 0.04;
    private const double SurgePower = 20;

    /// <summary>Share of the final total raised by <paramref name="elapsed"/> (a fraction of the duration, 0–1).</summary>
    public static double Share(double elapsed)
    {
        var x = Math.Clamp(elapsed, 0, 1);
        var launch = (1 - Math.Exp(-x / LaunchScale)) / (1 - Math.Exp(-1 / LaunchScale));
        return LaunchShare * launch + SteadyShare * x + SurgeShare * Math.Pow(x, SurgePower);
    }

    /// <summary>
    /// Standard deviation of the natural log of final ÷ projection at <paramref name="elapsed"/>: 1.0 at launch (a factor of
    /// about 2.7 either way for one standard deviation), falling linearly to 0.05 at the end.
    /// </summary>
    public static double Spread(double elapsed) => 0.05 + 0.95 * (1 - Math.Clamp(elapsed, 0, 1));
}
