using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Events;

namespace Crowdstart.Tests.Alerts.Scenarios;

/// <summary>
/// A labelled scenario: a traffic shape over simulated time, an optional incident (start, end, what it changes)
/// and the detectors that should catch it.
/// </summary>
public sealed record Scenario(string Name, TimeSpan Duration, Func<TimeSpan, double> VisitorsPerMinute, TimeSpan? IncidentStart = null,
    TimeSpan? IncidentEnd = null, Conditions? Incident = null, IReadOnlyList<string>? ExpectedDetectors = null, string? ExpectedScope = null,
    Conditions? Usual = null)
{
    // ExpectedScope: text the detecting alert's message must contain (e.g. the source a spike is attributed to).
    // Usual: the campaign's conditions outside the incident (a campaign that simply converts worse than the platform).
    public bool HasIncident => IncidentStart is not null;

    public Conditions ConditionsAt(TimeSpan t) =>
        HasIncident && t >= IncidentStart && t < (IncidentEnd ?? Duration) ? Incident! : Usual ?? Conditions.Normal;
}

/// <summary>One alert the engine opened during a simulation.</summary>
public sealed record SimulatedAlert(string Detector, string Scope, TimeSpan OpenedAt, string Message);

/// <summary>
/// Runs a scenario in simulated time: visitors walk the demo generator's funnel (same step probabilities and
/// delays), their events are counted into the pipeline's 10-second buckets, and the detectors and the alert engine
/// are evaluated after every bucket exactly as the live monitor does, against a platform prior fitted to simulated
/// launches of other campaigns. Pure and fast: a simulated day takes a second or two.
/// </summary>
public static class ScenarioSimulator
{
    /// <summary>
    /// When the monitor judges a bucket after its end: the lateness it waits for (2 s) and the 0.2 s it adds. The
    /// pipeline's watermark is then past the bucket (202 → counted p99 is under 0.5 s, docs/benchmarks.md).
    /// </summary>
    public static readonly TimeSpan JudgedAfter = TimeSpan.FromSeconds(2.2);

    /// <summary>
    /// The platform the prior comes from: 40 simulated launches of other campaigns, of different sizes, some converting
    /// worse (a share of checkouts silently lost) and with different payment failure rates.
    /// </summary>
    public static LaunchPrior Platform => PlatformPrior.Value;

    private static readonly Lazy<LaunchPrior> PlatformPrior = new(() =>
    {
        var random = new Random(424242);
        var counts = new List<CampaignRateCounts>();
        for (var c = 0; c < 40; c++)
        {
            var size = 10 + random.NextDouble() * 120;
            var usual = new Conditions(CheckoutBreakage: random.NextDouble() * 0.25, ReportedFailureShare: 0, PaymentFailure: 0.03 + random.NextDouble() * 0.08);
            var scenario = new Scenario($"platform {c}", TimeSpan.FromHours(LaunchPrior.Hours), t => size * (1 + 2 * Math.Exp(-t.TotalMinutes / 45)), Usual: usual);
            var buckets = Simulate(scenario, random);
            var id = Guid.NewGuid();
            for (var hour = 0; hour < LaunchPrior.Hours; hour++)
            {
                var series = new CampaignSeries(buckets, Launch);
                var (from, to) = (hour * 360, Math.Min(buckets.Count, (hour + 1) * 360));
                foreach (var rate in FunnelRate.All)
                {
                    var successes = series.Sum(rate.Successes, from, to);
                    counts.Add(new CampaignRateCounts(id, hour, rate.Name, successes, Math.Max(series.Sum(rate.Trials, from, to), successes)));
                }
            }
        }
        return new LaunchPrior(counts);
    });

    private static readonly DateTimeOffset Launch = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
    private static readonly (string Source, double Weight)[] Sources =
        [("direct", 30), ("social:twitter", 20), ("social:reddit", 14), ("social:instagram", 8), ("search", 14), ("email", 10), ("referral:gadgetflow.com", 4)];

    public static IReadOnlyList<SimulatedAlert> Run(Scenario scenario, int seed, DetectorSettings? settings = null, LaunchPrior? prior = null)
    {
        settings ??= DetectorSettings.Default;
        var buckets = Simulate(scenario, new Random(seed));
        var engine = new AlertEngine(settings);
        var alerts = new List<SimulatedAlert>();
        var window = Detectors.SpanMinutes(settings) * 6;
        var campaign = Guid.NewGuid();
        prior ??= Platform;
        for (var b = 1; b <= buckets.Count; b++)
        {
            var series = new CampaignSeries(buckets.GetRange(Math.Max(0, b - window), Math.Min(b, window)), Launch);
            var now = series.End;
            var context = new DetectorContext(campaign, prior, engine.OpenSince);
            foreach (var transition in engine.Apply(Detectors.Evaluate(series, settings, context), now))
            {
                if (transition.Kind == "opened")
                {
                    alerts.Add(new SimulatedAlert(transition.Detector, transition.Scope, now + JudgedAfter - Launch, transition.Signal.Message));
                }
            }
        }
        return alerts;
    }

    /// <summary>The scenario's 10-second buckets, from its launch to its end.</summary>
    public static List<BucketCounts> Simulate(Scenario scenario, Random random)
    {
        var bucketCount = (int)(scenario.Duration / BucketCounts.Width) + 20;
        var counts = new int[6, bucketCount];
        var bySource = new Dictionary<string, int>[bucketCount];
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
                    Journey(random, second + random.NextDouble(), source ?? Pick(random), scenario, counts, bySource);
                }
            }
        }
        var buckets = new List<BucketCounts>(totalSeconds / 10);
        for (var b = 0; b < totalSeconds / 10; b++)
        {
            buckets.Add(new BucketCounts(Launch.AddSeconds(b * 10), counts[(int)CountedStep.Visits, b], counts[(int)CountedStep.Checkouts, b],
                counts[(int)CountedStep.Failures, b], counts[(int)CountedStep.Pledges, b], bySource[b] ?? (IReadOnlyDictionary<string, int>)EmptySources,
                counts[(int)CountedStep.RewardViews, b], counts[(int)CountedStep.Carts, b]));
        }
        return buckets;
    }

    private static readonly Dictionary<string, int> EmptySources = [];

    private static void Journey(Random random, double at, string source, Scenario scenario, int[,] counts, Dictionary<string, int>[] bySource)
    {
        var bucket = (int)(at / 10);
        if (bucket < bySource.Length)
        {
            var map = bySource[bucket] ??= [];
            map[source] = map.GetValueOrDefault(source) + 1;
        }
        foreach (var (type, seconds) in FunnelJourney.Walk(random, at, t => scenario.ConditionsAt(TimeSpan.FromSeconds(t))))
        {
            CountedStep? step = type switch
            {
                EventTypes.PageView => CountedStep.Visits,
                EventTypes.RewardView => CountedStep.RewardViews,
                EventTypes.CartCreated => CountedStep.Carts,
                EventTypes.CheckoutStarted => CountedStep.Checkouts,
                EventTypes.CheckoutFailed => CountedStep.Failures,
                EventTypes.PledgeCompleted => CountedStep.Pledges,
                _ => null,
            };
            var b = (int)(seconds / 10);
            if (step is { } counted && b < bySource.Length)
            {
                counts[(int)counted, b]++;
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
