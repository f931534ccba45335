using System.Collections.Concurrent;

namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// The finished campaigns the forecaster learns from, and the spreads it calibrated on them. Immutable: a new corpus
/// replaces the old when campaigns finish. Calibrated spreads are computed on first use per point of the duration
/// (a log-spaced grid) and kept for the corpus's life.
/// </summary>
public sealed class ForecastCorpus
{
    private readonly ConcurrentDictionary<int, double> _spreads = new();

    public ForecastCorpus(IEnumerable<CampaignTrajectory> finished, DateTimeOffset builtAt)
    {
        Finished = [.. finished.Where(t => t.Elapsed >= 1).OrderBy(t => t.LaunchAt).ThenBy(t => t.CampaignId)];
        BuiltAt = builtAt;
    }

    /// <summary>An empty corpus: every forecast falls back to the prior.</summary>
    public static ForecastCorpus Empty { get; } = new([], DateTimeOffset.MinValue);

    public IReadOnlyList<CampaignTrajectory> Finished { get; }
    public DateTimeOffset BuiltAt { get; }

    /// <summary>The calibrated spread for a grid point, computed once by <paramref name="calibrate"/>.</summary>
    internal double SpreadFor(int gridPoint, Func<int, double> calibrate) => _spreads.GetOrAdd(gridPoint, calibrate);
}
