namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// Forecasts a campaign's final total from the platform's finished campaigns (Etter, Grossglauser and Thiran's
/// nearest neighbours over normalised pledge trajectories, with the live signals beside the money):
/// <list type="number">
/// <item>Every trajectory is read in shares of its goal and fractions of its duration, so a €5k 20-day campaign and a
/// €200k 45-day one compare. Finished campaigns of a comparable length (within <see cref="ForecastSettings.DurationFactor"/>)
/// are the candidates.</item>
/// <item>At the target's point of its duration, each candidate is described the same way: the log of its progress, its
/// growth over the second half of the time so far, its traffic for its goal, and its conversion, return rate and social share. The
/// <see cref="ForecastSettings.Neighbours"/> nearest (standardised, weighted distance) are the neighbours, closer ones
/// weighing more.</item>
/// <item>Each neighbour carries its own growth from that point to its end over to the target: final ≈ progress ×
/// (neighbour's final ÷ neighbour's progress then), in logs, never below what is pledged already.</item>
/// <item>The forecast is the weighted mixture of those outcomes, each blurred by a spread calibrated on the corpus
/// itself (leave-one-out) so that the 80 % interval holds 80 % of the corpus's own finals at that point. The chance of
/// reaching the goal is the mixture's mass above it; the projected day the goal is reached is the weighted median of
/// the day each neighbour's path, scaled to the target, crosses it.</item>
/// </list>
/// With fewer than <see cref="ForecastSettings.MinComparable"/> comparable campaigns, or less than an hour of history,
/// it falls back to <see cref="PledgeCurvePrior"/> and says so in <see cref="CampaignForecast.Basis"/>.
/// </summary>
public sealed class Forecaster(ForecastSettings settings)
{
    /// <summary>
    /// Added to every progress before taking its log (0.2 % of the goal), so that a campaign with nothing pledged yet
    /// has a finite position and small amounts do not dominate the distances.
    /// </summary>
    public const double Offset = 0.002;

    /// <summary>
    /// How long after launch the first forecast comes: before that a campaign has too few events to tell a strong
    /// launch from a lucky minute, and a projection over weeks from it would be noise presented as a figure.
    /// </summary>
    public static readonly TimeSpan FirstForecast = TimeSpan.FromHours(1);

    /// <summary>Log-spaced grid of the duration on which spreads are calibrated: points 25 % apart.</summary>
    private const double GridStep = 1.25;

    public ForecastSettings Settings => settings;

    /// <summary>The forecast for <paramref name="target"/> as far as its history goes, from <paramref name="corpus"/>.</summary>
    public CampaignForecast Predict(CampaignTrajectory target, ForecastCorpus corpus, DateTimeOffset asOf)
    {
        var elapsed = Math.Max(target.Elapsed, 1e-6);
        var progress = Math.Max(0, target.Progress);
        var floor = Math.Log(progress + Offset);
        var comparable = Comparable(target, corpus.Finished).ToList();
        var signals = target.SignalsAt(target.ObservedHours);
        var pace = target.PaceAt(target.ObservedHours);
        if (target.ObservedHours >= 1 && comparable.Count >= settings.MinComparable)
        {
            var hood = Neighbourhood(Features.Of(target, target.ObservedHours), comparable, HoursIn(target.ObservedHours, elapsed));
            var spread = corpus.SpreadFor(GridPoint(elapsed), point => Calibrate(corpus, GridFraction(point)));
            var mixture = new LogMixture([.. hood.Select(n => Math.Max(floor, floor + n.Growth))], [.. hood.Select(n => n.Weight)], spread, floor);
            var inputs = new ForecastInputs(elapsed, progress, pace, signals, comparable.Count, hood.Count,
                WeightedQuantile(hood, n => n.Progress, 0.25), WeightedQuantile(hood, n => n.Progress, 0.75),
                Math.Exp(WeightedQuantile(hood, n => n.Growth, 0.5)),
                hood.Sum(n => n.Final >= 1 ? n.Weight : 0) / hood.Sum(n => n.Weight));
            return Result(target, asOf, ForecastBasis.Neighbours, mixture, GoalDateFromNeighbours(target, hood, progress), inputs);
        }
        var share = PledgeCurvePrior.Share(elapsed);
        var prior = new LogMixture([Math.Max(floor, Math.Log((progress + Offset) / share))], [1.0], PledgeCurvePrior.Spread(elapsed), floor);
        return Result(target, asOf, ForecastBasis.Prior, prior, GoalDateFromPrior(target, progress, elapsed),
            new ForecastInputs(elapsed, progress, pace, signals, comparable.Count, 0, null, null, 1 / share, null));
    }

    private CampaignForecast Result(CampaignTrajectory target, DateTimeOffset asOf, ForecastBasis basis, LogMixture mixture, DateTimeOffset? goalDate,
        ForecastInputs inputs)
    {
        var tail = (1 - settings.Coverage) / 2;
        decimal Money(double logProgress) => Math.Round((decimal)Math.Max(0, Math.Exp(logProgress) - Offset) * target.Goal, 2);
        var pledged = Math.Round((decimal)inputs.Progress * target.Goal, 2);
        var funded = pledged >= target.Goal;
        return new CampaignForecast(target.CampaignId, asOf, basis, pledged, target.Goal,
            Math.Max(pledged, Money(mixture.Quantile(0.5))),
            Math.Max(pledged, Money(mixture.Quantile(tail))),
            Math.Max(pledged, Money(mixture.Quantile(1 - tail))),
            funded ? 1 : Math.Clamp(mixture.Exceedance(Math.Log(1 + Offset)), 0, 1),
            funded ? null : goalDate,
            inputs);
    }

    private IEnumerable<CampaignTrajectory> Comparable(CampaignTrajectory target, IReadOnlyList<CampaignTrajectory> finished) =>
        finished.Where(c => c.CampaignId != target.CampaignId
            && c.DurationHours <= target.DurationHours * settings.DurationFactor
            && c.DurationHours * settings.DurationFactor >= target.DurationHours);

    /// <summary>A candidate at the target's point of its duration.</summary>
    /// <param name="Trajectory">The finished campaign.</param>
    /// <param name="Progress">Its progress then (share of its goal).</param>
    /// <param name="Final">Its final progress.</param>
    /// <param name="Growth">log(final) − log(progress then), offset.</param>
    /// <param name="Distance">How far its features are from the target's.</param>
    /// <param name="Hours">The hour of its history it was compared at.</param>
    private sealed record Neighbour(CampaignTrajectory Trajectory, double Hours, double Progress, double Final, double Growth, double Distance)
    {
        public double Weight { get; set; }
    }

    /// <summary>A trajectory's position at a point of its duration.</summary>
    private readonly record struct Features(double Level, double Growth, double Traffic, double Duration, double? Conversion, double? Return, double? Social)
    {
        public static Features Of(CampaignTrajectory t, double hours)
        {
            var level = Math.Log(t.ProgressAt(hours) + Offset);
            var signals = t.SignalsAt(hours);
            return new Features(level, level - Math.Log(t.ProgressAt(hours / 2) + Offset), Math.Log(signals.Visits / (double)t.Goal * 1_000 + 0.1),
                Math.Log(t.DurationHours),
                signals.Conversion is { } c ? Math.Log(c + 1e-3) : null, signals.ReturnRate, signals.SocialShare);
        }
    }

    /// <summary>
    /// Where in a candidate's history to compare it with a target <paramref name="hours"/> (<paramref name="elapsed"/> of its
    /// duration) in: the same hour since launch during the launch, the same share of the duration after it.
    /// </summary>
    private Func<CampaignTrajectory, double> HoursIn(double hours, double elapsed) =>
        hours <= settings.LaunchHours ? _ => hours : c => elapsed * c.DurationHours;

    private List<Neighbour> Neighbourhood(Features target, IReadOnlyList<CampaignTrajectory> candidates, Func<CampaignTrajectory, double> hoursIn)
    {
        var features = candidates.Select(c => Features.Of(c, hoursIn(c))).ToArray();
        // Each term is scaled by its spread among the candidates, so weights mean the same whatever the corpus.
        var scales = new[]
        {
            Scale(features.Select(f => (double?)f.Level)), Scale(features.Select(f => (double?)f.Growth)), Scale(features.Select(f => (double?)f.Traffic)),
            Scale(features.Select(f => (double?)f.Duration)),
            Scale(features.Select(f => f.Conversion)), Scale(features.Select(f => f.Return)), Scale(features.Select(f => f.Social)),
        };
        var weights = new[]
        {
            settings.ProgressWeight, settings.GrowthWeight, settings.TrafficWeight, settings.DurationWeight, settings.ConversionWeight, settings.ReturnWeight,
            settings.SocialWeight,
        };
        var all = new List<Neighbour>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            var f = features[i];
            var d2 = Term(target.Level, f.Level, 0) + Term(target.Growth, f.Growth, 1) + Term(target.Traffic, f.Traffic, 2) + Term(target.Duration, f.Duration, 3)
                + Term(target.Conversion, f.Conversion, 4) + Term(target.Return, f.Return, 5) + Term(target.Social, f.Social, 6);
            var c = candidates[i];
            var hours = hoursIn(c);
            var progress = c.ProgressAt(hours);
            var final = c.ProgressAt(c.DurationHours);
            all.Add(new Neighbour(c, hours, progress, final, Math.Log(final + Offset) - Math.Log(progress + Offset), Math.Sqrt(d2)));
        }
        var nearest = all.OrderBy(n => n.Distance).ThenBy(n => n.Trajectory.CampaignId).Take(settings.Neighbours).ToList();
        // A Gaussian kernel as wide as the farthest neighbour: the nearest count most, the farthest still about 60 %.
        var width = Math.Max(nearest[^1].Distance, 1e-6);
        foreach (var n in nearest)
        {
            n.Weight = Math.Exp(-0.5 * (n.Distance / width) * (n.Distance / width));
        }
        return nearest;

        double Term(double? a, double? b, int k) => a is { } x && b is { } y && scales[k] > 0
            ? weights[k] * ((x - y) / scales[k]) * ((x - y) / scales[k])
            : 0;
    }

    private static double Scale(IEnumerable<double?> values)
    {
        var known = values.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
        if (known.Length < 2)
        {
            return 0;
        }
        var mean = known.Average();
        var sd = Math.Sqrt(known.Sum(v => (v - mean) * (v - mean)) / (known.Length - 1));
        return sd > 1e-9 ? sd : 0;
    }

    /// <summary>
    /// The spread at which the 80 % interval, forecast for each (sampled) corpus campaign from the others at
    /// <paramref name="elapsed"/>, contains that campaign's own final 80 % of the time: a bisection, since coverage only
    /// grows with the spread.
    /// </summary>
    private double Calibrate(ForecastCorpus corpus, double elapsed)
    {
        var finished = corpus.Finished;
        var step = Math.Max(1, finished.Count / settings.CalibrationSample);
        var cases = new List<(double[] Means, double[] Weights, double Floor, double Truth)>();
        for (var i = 0; i < finished.Count; i += step)
        {
            var c = finished[i];
            var others = Comparable(c, finished).ToList();
            if (others.Count < settings.MinComparable || elapsed * c.DurationHours < 1)
            {
                continue;
            }
            var hours = elapsed * c.DurationHours;
            var hood = Neighbourhood(Features.Of(c, hours), others, HoursIn(hours, elapsed));
            var floor = Math.Log(c.ProgressAt(hours) + Offset);
            cases.Add(([.. hood.Select(n => Math.Max(floor, floor + n.Growth))], [.. hood.Select(n => n.Weight)], floor,
                Math.Log(c.ProgressAt(c.DurationHours) + Offset)));
        }
        if (cases.Count < 10)
        {
            return PledgeCurvePrior.Spread(elapsed);
        }
        var tail = (1 - settings.Coverage) / 2;
        double Coverage(double spread) => cases.Count(k =>
        {
            var m = new LogMixture(k.Means, k.Weights, spread, k.Floor);
            return m.Quantile(tail) <= k.Truth + 1e-12 && k.Truth <= m.Quantile(1 - tail) + 1e-12;
        }) / (double)cases.Count;
        double low = 0.005, high = 3;
        if (Coverage(low) >= settings.Coverage)
        {
            return low;
        }
        for (var i = 0; i < 20; i++)
        {
            var mid = Math.Sqrt(low * high);
            if (Coverage(mid) < settings.Coverage)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }
        return high;
    }

    private static int GridPoint(double elapsed) => (int)Math.Round(Math.Log(Math.Clamp(elapsed, 1e-4, 1)) / Math.Log(GridStep));

    private static double GridFraction(int point) => Math.Min(1, Math.Pow(GridStep, point));

    private static double WeightedQuantile(IReadOnlyList<Neighbour> hood, Func<Neighbour, double> value, double q)
    {
        var sorted = hood.Select(n => (Value: value(n), n.Weight)).OrderBy(x => x.Value).ToList();
        var total = sorted.Sum(x => x.Weight);
        var running = 0.0;
        foreach (var (v, w) in sorted)
        {
            running += w;
            if (running >= q * total)
            {
                return v;
            }
        }
        return sorted[^1].Value;
    }

    /// <summary>
    /// When the neighbours' paths, each scaled to where the target stands, cross the goal: the weighted median of
    /// the crossing points, if at least half the weight crosses before the end (otherwise no day is projected).
    /// </summary>
    private static DateTimeOffset? GoalDateFromNeighbours(CampaignTrajectory target, IReadOnlyList<Neighbour> hood, double progress)
    {
        var crossings = new List<(double Fraction, double Weight)>();
        var level = Math.Log(progress + Offset);
        foreach (var n in hood)
        {
            var c = n.Trajectory;
            var shift = level - Math.Log(n.Progress + Offset);
            var from = (int)Math.Floor(n.Hours);
            for (var h = Math.Max(1, from); h <= (int)Math.Ceiling(c.DurationHours); h++)
            {
                if (Math.Exp(Math.Log(c.ProgressAt(h) + Offset) + shift) - Offset >= 1)
                {
                    crossings.Add((Math.Min(1, h / c.DurationHours), n.Weight));
                    break;
                }
            }
        }
        var total = hood.Sum(n => n.Weight);
        if (crossings.Sum(c => c.Weight) < total / 2)
        {
            return null;
        }
        // The median over all neighbours, counting those that never cross as crossing after the end.
        var running = 0.0;
        foreach (var (fraction, weight) in crossings.OrderBy(c => c.Fraction))
        {
            running += weight;
            if (running >= total / 2)
            {
                return target.LaunchAt + TimeSpan.FromHours(Math.Max(fraction, target.Elapsed) * target.DurationHours);
            }
        }
        return null;
    }

    private static DateTimeOffset? GoalDateFromPrior(CampaignTrajectory target, double progress, double elapsed)
    {
        var now = PledgeCurvePrior.Share(elapsed);
        double At(double x) => (progress + Offset) * PledgeCurvePrior.Share(x) / now - Offset;
        if (At(1) < 1)
        {
            return null;
        }
        double low = elapsed, high = 1;
        for (var i = 0; i < 50; i++)
        {
            var mid = (low + high) / 2;
            if (At(mid) >= 1)
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }
        return target.LaunchAt + TimeSpan.FromHours(high * target.DurationHours);
    }
}
