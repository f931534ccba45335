namespace Crowdstart.Pipeline.Alerts;

/// <summary>Exact one-sided tail probabilities of the count distributions the detectors test against.</summary>
public static class Statistics
{
    /// <summary>P(X ≤ k) for X ~ Poisson(λ), summed in log space so large λ cannot underflow.</summary>
    public static double PoissonLowerTail(int k, double lambda)
    {
        if (k < 0)
        {
            return 0;
        }
        if (lambda <= 0)
        {
            return 1;
        }
        double sum = 0;
        var logLambda = Math.Log(lambda);
        for (var i = k; i >= 0; i--)
        {
            var term = Math.Exp(i * logLambda - lambda - LogFactorial(i));
            sum += term;
            // Terms shrink quickly below the mode; once negligible, the rest cannot matter.
            if (i < lambda && term < sum * 1e-17)
            {
                break;
            }
        }
        return Math.Min(1, sum);
    }

    /// <summary>P(X ≥ k) for X ~ Poisson(λ), summed directly (not 1 − lower tail) to keep precision in the far tail.</summary>
    public static double PoissonUpperTail(int k, double lambda)
    {
        if (k <= 0)
        {
            return 1;
        }
        if (lambda <= 0)
        {
            return 0;
        }
        double sum = 0;
        var logLambda = Math.Log(lambda);
        for (var i = k; ; i++)
        {
            var term = Math.Exp(i * logLambda - lambda - LogFactorial(i));
            sum += term;
            if (i > lambda && term < sum * 1e-17)
            {
                break;
            }
            if (i > k + 100_000)
            {
                break;
            }
        }
        return Math.Min(1, sum);
    }

    /// <summary>P(K ≤ k) for K ~ Binomial(n, p), summed in log space so large n cannot underflow.</summary>
    public static double BinomialLowerTail(int k, int n, double p)
    {
        if (k < 0)
        {
            return 0;
        }
        if (k >= n || p <= 0)
        {
            return 1;
        }
        if (p >= 1)
        {
            return 0;
        }
        double sum = 0;
        var logP = Math.Log(p);
        var logQ = Math.Log(1 - p);
        for (var i = 0; i <= k; i++)
        {
            sum += Math.Exp(LogChoose(n, i) + i * logP + (n - i) * logQ);
        }
        return Math.Min(1, sum);
    }

    /// <summary>P(K ≥ k) for K ~ Binomial(n, p).</summary>
    public static double BinomialUpperTail(int k, int n, double p) => k <= 0 ? 1 : k > n ? 0 : Math.Max(0, 1 - BinomialLowerTail(k - 1, n, p));

    /// <summary>Wilson score interval of a proportion (95 %), for "baseline 58–66 %" style ranges.</summary>
    public static (double Low, double High) Wilson(int successes, int trials)
    {
        if (trials <= 0)
        {
            return (0, 1);
        }
        const double z = 1.96;
        var p = (double)successes / trials;
        var denominator = 1 + z * z / trials;
        var centre = (p + z * z / (2 * trials)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / trials + z * z / (4.0 * trials * trials)) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>Median of a list (which it sorts).</summary>
    public static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static double LogChoose(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static readonly double[] SmallLogFactorials = BuildLogFactorials(256);

    private static double[] BuildLogFactorials(int count)
    {
        var table = new double[count];
        for (var i = 1; i < count; i++)
        {
            table[i] = table[i - 1] + Math.Log(i);
        }
        return table;
    }

    private static double LogFactorial(int n)
    {
        if (n < SmallLogFactorials.Length)
        {
            return SmallLogFactorials[n];
        }
        // Stirling's series: exact to double precision well before n = 256.
        double x = n;
        return x * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI * x) + 1 / (12 * x) - 1 / (360 * x * x * x);
    }
}
