namespace Crowdstart.Pipeline.Alerts;

/// <summary>One campaign's counts of one funnel rate in one hour since its launch: the raw material of the prior.</summary>
public sealed record CampaignRateCounts(Guid CampaignId, int Hour, string Rate, long Successes, long Trials);

/// <summary>
/// What a funnel rate usually is on the platform at an hour since launch, as a Beta distribution over campaigns:
/// its mean is the typical campaign's rate and its weight (α + β, in pseudo-trials) is how alike campaigns are.
/// </summary>
/// <param name="Alpha">Pseudo-successes.</param>
/// <param name="Beta">Pseudo-failures.</param>
/// <param name="Campaigns">How many campaigns it was fitted to.</param>
public sealed record RatePrior(double Alpha, double Beta, int Campaigns)
{
    public double Weight => Alpha + Beta;
    public double Mean => Alpha / Weight;
}

/// <summary>
/// The launch prior: before a campaign has a baseline of its own, its funnel rates are judged against the
/// platform's finished and running campaigns at the same hour since launch (first, second, third hour and later).
/// Fitted per call without the campaign itself, so a campaign's own incident never lowers its expectations.
/// </summary>
public sealed class LaunchPrior
{
    /// <summary>Fewest campaigns a prior is fitted to; with fewer, only a campaign's own data and the absolute guards count.</summary>
    public const int MinCampaigns = 5;

    /// <summary>Fewest trials a campaign-hour needs to take part (a rate of 2 out of 3 says little).</summary>
    public const int MinTrials = 20;

    /// <summary>
    /// Most pseudo-trials a prior may weigh: however alike the platform's campaigns are, a few minutes of a campaign's
    /// own launch traffic outweigh it, so a campaign that is merely different from the others is not an incident.
    /// </summary>
    public const double MaxWeight = 150;

    public const int Hours = 3;

    public static readonly LaunchPrior Empty = new([]);

    /// <summary>
    /// Sums of the campaigns' rates per rate and hour, so a fit without one campaign is a subtraction: the monitor asks
    /// for every rate of every live campaign every 10 seconds.
    /// </summary>
    private sealed record Moments(int Count, double Sum, double SumOfSquares, double SumOfInverseTrials);

    private readonly Dictionary<(string Rate, int Hour), Moments> _moments = [];
    private readonly Dictionary<(string Rate, int Hour, Guid Campaign), (double Rate, double Trials)> _members = [];

    public LaunchPrior(IEnumerable<CampaignRateCounts> counts)
    {
        foreach (var c in counts.Where(c => c.Trials >= MinTrials && c.Hour is >= 0 and < Hours))
        {
            var rate = Math.Min(0.999, (double)c.Successes / c.Trials);
            _members[(c.Rate, c.Hour, c.CampaignId)] = (rate, c.Trials);
            var m = _moments.GetValueOrDefault((c.Rate, c.Hour)) ?? new Moments(0, 0, 0, 0);
            _moments[(c.Rate, c.Hour)] = new Moments(m.Count + 1, m.Sum + rate, m.SumOfSquares + rate * rate, m.SumOfInverseTrials + 1.0 / c.Trials);
        }
        Campaigns = _members.Keys.Select(k => k.Campaign).Distinct().Count();
    }

    /// <summary>Campaigns that contributed to any rate.</summary>
    public int Campaigns { get; }

    /// <summary>The prior of <paramref name="rate"/> at <paramref name="hour"/> since launch, without <paramref name="excluding"/>; null when too few campaigns.</summary>
    public RatePrior? For(FunnelRate rate, int hour, Guid excluding)
    {
        hour = Math.Clamp(hour, 0, Hours - 1);
        if (!_moments.TryGetValue((rate.Name, hour), out var m))
        {
            return null;
        }
        if (_members.TryGetValue((rate.Name, hour, excluding), out var own))
        {
            m = new Moments(m.Count - 1, m.Sum - own.Rate, m.SumOfSquares - own.Rate * own.Rate, m.SumOfInverseTrials - 1.0 / own.Trials);
        }
        return Fit(m.Count, m.Sum, m.SumOfSquares, m.SumOfInverseTrials);
    }

    /// <summary>
    /// Method of moments: the mean of the campaigns' rates, and their spread after taking out what sampling alone
    /// explains (a small campaign's rate is noisy without campaigns being different).
    /// </summary>
    private static RatePrior? Fit(int count, double sum, double sumOfSquares, double sumOfInverseTrials)
    {
        if (count < MinCampaigns)
        {
            return null;
        }
        var mean = Math.Clamp(sum / count, 0.001, 0.999);
        var spread = Math.Max(0, sumOfSquares - count * mean * mean) / (count - 1);
        var sampling = mean * (1 - mean) * sumOfInverseTrials / count;
        var between = Math.Max(spread - sampling, 1e-9);
        var weight = Math.Clamp(mean * (1 - mean) / between - 1, 2, MaxWeight);
        return new RatePrior(mean * weight, (1 - mean) * weight, count);
    }
}
