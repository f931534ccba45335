namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// A weighted mixture of normal distributions over the natural log of a campaign's final progress (final ÷ goal,
/// offset by <see cref="Forecaster.Offset"/> so that nothing pledged is a finite number), with a floor: a final
/// total is never below what is pledged already (refunds aside), so mass below the floor sits on it.
/// </summary>
public sealed class LogMixture
{
    private readonly double[] _means;
    private readonly double[] _weights;
    private readonly double _total;

    public LogMixture(IReadOnlyList<double> means, IReadOnlyList<double> weights, double spread, double floor)
    {
        if (means.Count == 0 || means.Count != weights.Count)
        {
            throw new ArgumentException("A mixture needs one weight per mean, and at least one.", nameof(weights));
        }
        _means = [.. means];
        _weights = [.. weights];
        _total = _weights.Sum();
        Spread = Math.Max(spread, 1e-6);
        Floor = floor;
    }

    public double Spread { get; }
    public double Floor { get; }

    /// <summary>P(X ≤ x).</summary>
    public double Cdf(double x)
    {
        if (x < Floor)
        {
            return 0;
        }
        var sum = 0.0;
        for (var i = 0; i < _means.Length; i++)
        {
            sum += _weights[i] * Normal.Cdf((x - _means[i]) / Spread);
        }
        return sum / _total;
    }

    /// <summary>The <paramref name="p"/>-quantile, by bisection (the CDF is monotone).</summary>
    public double Quantile(double p)
    {
        var low = Math.Max(_means.Min() - 8 * Spread, Floor);
        var high = Math.Max(_means.Max() + 8 * Spread, low);
        if (!double.IsNegativeInfinity(Floor) && Cdf(Floor) >= p)
        {
            return Floor;
        }
        for (var i = 0; i < 60; i++)
        {
            var mid = (low + high) / 2;
            if (Cdf(mid) < p)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }
        return Math.Max(Floor, (low + high) / 2);
    }

    /// <summary>P(X ≥ x).</summary>
    public double Exceedance(double x) => x <= Floor ? 1 : 1 - Cdf(x);
}

/// <summary>The standard normal distribution.</summary>
public static class Normal
{
    /// <summary>Φ(z), from the complementary error function below.</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    // Numerical Recipes' erfc (Chebyshev fit), fractional error below 1.2e-7 everywhere.
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
            + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
