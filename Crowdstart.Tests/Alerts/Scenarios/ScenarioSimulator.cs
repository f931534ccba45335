using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Events;

namespace Crowdstart.Tests.Alerts.Scenarios;

/// <summary>
/// A labelled scenario: a traffic shape over simulated time, an optional incident (start, end, what it changes)
/// and the detectors that should catch it.
/// </summary>
public sealed record Scenario(string Name, TimeSpan Duration, Func<TimeSpan, double> VisitorsPerMinute, TimeSpan? IncidentStart = null,
    TimeSpan? IncidentEnd = null, Conditions? Incident = null, IReadOnlyList<string>? ExpectedDetectors = null, string? ExpectedScope = null)
{
    // ExpectedScope: text the detecting alert's message must contain (e.g. the source a spike is attributed to).
    public bool HasIncident => IncidentStart is not null;

    public Conditions ConditionsAt(TimeSpan t) =>
        HasIncident && t >= IncidentStart && t < (IncidentEnd ?? Duration) ? Incident! : Conditions.Normal;
}

/// <summary>One alert the engine opened during a simulation.</summary>
public sealed record SimulatedAlert(string Detector, string Scope, TimeSpan OpenedAt, string Message);

/// <summary>
/// Runs a scenario in simulated time: visitors walk the demo generator's funnel (same step probabilities and
/// delays), their events are counted into the pipeline's 10-second buckets, and the detectors and the alert engine
/// are evaluated every 10 seconds exactly as the live monitor does. Pure and fast: a simulated day takes a second.
/// </summary>
public static class ScenarioSimulator
{
    private static readonly (string Source, double Weight)[] Sources =
        [("direct", 30), ("social:twitter", 20), ("social:reddit", 14), ("social:instagram", 8), ("search", 14), ("email", 10), ("referral:gadgetflow.com", 4)];

    public static IReadOnlyList<SimulatedAlert> Run(Scenario scenario, int seed, DetectorSettings? settings = null)
    {
        settings ??= DetectorSettings.Default;
        var random = new Random(seed);
        var launch = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
        var bucketCount = (int)(scenario.Duration / BucketCounts.Width) + 20;
        var visits = new int[bucketCount];
        var checkouts = new int[bucketCount];
        var failures = new int[bucketCount];
        var pledges = new int[bucketCount];
        var bySource = new Dictionary<string, int>[bucketCount];

        void Count(int[] counts, double atSeconds)
        {
            var bucket = (int)(atSeconds / 10);
            if (bucket < bucketCount)
            {
                counts[bucket]++;
            }
        }

        var totalSeconds = (int)scenario.Duration.TotalSeconds;
        for (var second = 0; second < totalSeconds; second++)
        {
            var t = TimeSpan.FromSeconds(second);
            var conditions = scenario.ConditionsAt(t);
            var rate = scenario.VisitorsPerMinute(t) * conditions.TrafficFactor / 60;
            Journeys(Poisson(random, rate), null);
            if (conditions.BoostedSource is { } boosted)
            {
                Journeys(Poisson(random, conditions.SourceBoost / 60), boosted);
            }

            void Journeys(int count, string? source)
            {
                for (var i = 0; i < count; i++)
                {
                    Journey(random, second + random.NextDouble(), source ?? Pick(random), scenario, visits, checkouts, failures, pledges, bySource, Count);
                }
            }
        }

        var engine = new AlertEngine(settings);
        var alerts = new List<SimulatedAlert>();
        var window = (settings.BaselineMinutes + Detectors.WindowMinutes(settings)) * 6;
        var buckets = new List<BucketCounts>(bucketCount);
        for (var b = 0; b < totalSeconds / 10; b++)
        {
            buckets.Add(new BucketCounts(launch.AddSeconds(b * 10), visits[b], checkouts[b], failures[b], pledges[b],
                bySource[b] ?? (IReadOnlyDictionary<string, int>)EmptySources));
            var recent = buckets.Count > window ? buckets.GetRange(buckets.Count - window, window) : buckets;
            var series = new CampaignSeries(recent, launch);
            var now = series.End;
            foreach (var transition in engine.Apply(Detectors.Evaluate(series, settings), now))
            {
                if (transition.Kind == "opened")
                {
                    alerts.Add(new SimulatedAlert(transition.Detector, transition.Scope, now - launch, transition.Signal.Message));
                }
            }
        }
        return alerts;
    }

    private static readonly Dictionary<string, int> EmptySources = [];

    private static void Journey(Random random, double at, string source, Scenario scenario, int[] visits, int[] checkouts, int[] failures,
        int[] pledges, Dictionary<string, int>[] bySource, Action<int[], double> count)
    {
        var bucket = (int)(at / 10);
        if (bucket < bySource.Length)
        {
            var map = bySource[bucket] ??= [];
            map[source] = map.GetValueOrDefault(source) + 1;
        }
        foreach (var (type, seconds) in FunnelJourney.Walk(random, at, t => scenario.ConditionsAt(TimeSpan.FromSeconds(t))))
        {
            switch (type)
            {
                case EventTypes.PageView: count(visits, seconds); break;
                case EventTypes.CheckoutStarted: count(checkouts, seconds); break;
                case EventTypes.CheckoutFailed: count(failures, seconds); break;
                case EventTypes.PledgeCompleted: count(pledges, seconds); break;
            }
        }
    }

    /// <summary>A source drawn with the demo campaign's weights.</summary>
    public static string Pick(Random random)
    {
        var total = Sources.Sum(s => s.Weight);
        var x = random.NextDouble() * total;
        foreach (var (source, weight) in Sources)
        {
            if ((x -= weight) < 0)
            {
                return source;
            }
        }
        return Sources[^1].Source;
    }

    /// <summary>A Poisson-distributed count.</summary>
    public static int Poisson(Random random, double lambda)
    {
        if (lambda <= 0)
        {
            return 0;
        }
        if (lambda > 30)
        {
            return Math.Max(0, (int)Math.Round(lambda + Math.Sqrt(lambda) * Gaussian(random)));
        }
        var l = Math.Exp(-lambda);
        var k = 0;
        var p = 1.0;
        do
        {
            k++;
            p *= random.NextDouble();
        }
        while (p > l);
        return k - 1;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
