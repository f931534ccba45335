using System.Globalization;
using System.Text;
using Crowdstart.Pipeline.Alerts;

namespace Crowdstart.Tests.Alerts.Scenarios;

/// <summary>Per-detector figures of a scenario suite run.</summary>
public sealed record DetectorReport(string Detector, int Incidents, int Detected, double Recall, double? DelayP50Seconds, double? DelayP90Seconds);

/// <summary>False alerts of one incident-free scenario over all its seeds.</summary>
public sealed record FalseAlertReport(string Scenario, int FalseAlerts, double Hours)
{
    public double Per24h => Hours > 0 ? FalseAlerts * 24 / Hours : 0;
}

/// <summary>The whole suite's result.</summary>
public sealed record SuiteReport(IReadOnlyList<DetectorReport> Detectors, int FalseAlerts, double SimulatedNormalHours, double FalseAlertsPer24h,
    IReadOnlyList<string> Misses, IReadOnlyList<string> FalseAlertSamples, IReadOnlyList<DetectorReport> Scenarios,
    IReadOnlyList<FalseAlertReport> FalseAlertsByScenario)
{
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine("detector                    incidents  detected  recall  delay p50  delay p90");
        foreach (var d in Detectors)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{d.Detector,-27} {d.Incidents,9} {d.Detected,9} {d.Recall,7:0.00} {Seconds(d.DelayP50Seconds),10} {Seconds(d.DelayP90Seconds),10}"));
        }
        sb.AppendLine("scenario                                      runs  detected  recall  delay p50  delay p90");
        foreach (var d in Scenarios)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{d.Detector,-45} {d.Incidents,4} {d.Detected,9} {d.Recall,7:0.00} {Seconds(d.DelayP50Seconds),10} {Seconds(d.DelayP90Seconds),10}"));
        }
        foreach (var f in FalseAlertsByScenario)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"false alerts, {f.Scenario,-42} {f.FalseAlerts,4} in {f.Hours,6:0} h = {f.Per24h:0.00} per 24 h"));
        }
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"false alerts: {FalseAlerts} in {SimulatedNormalHours:0} simulated hours of incident-free traffic = {FalseAlertsPer24h:0.00} per 24 h"));
        return sb.ToString();

        static string Seconds(double? s) => s is { } v ? v.ToString("0", CultureInfo.InvariantCulture) + " s" : "—";
    }
}

/// <summary>
/// The labelled scenarios (normal launch, slow steady campaign, late-night low volume, checkout outage, payment
/// failure spike, viral spike from one network, traffic collapse), run over several seeds: recall, false alerts
/// per simulated 24 h and detection delay per detector; and a silent 50 % conversion drop at volumes from 20 to
/// 2,000 visitors/min (<see cref="ConversionDropDelayByVolume"/>).
/// </summary>
public static class ScenarioSuite
{
    /// <summary>How long after onset a detection still counts.</summary>
    public static readonly TimeSpan DetectionHorizon = TimeSpan.FromMinutes(20);

    /// <summary>When incidents start: in the launch's first minutes, during its first hour, and once it has settled.</summary>
    public static readonly IReadOnlyList<(string Label, TimeSpan At)> Onsets =
        [("T+5 min", TimeSpan.FromMinutes(5)), ("T+30 min", TimeSpan.FromMinutes(30)), ("T+2.5 h", TimeSpan.FromHours(2.5))];

    public static IReadOnlyList<Scenario> Scenarios(double hours)
    {
        var day = TimeSpan.FromHours(hours);
        // A launch: a surge that settles over the first hours, with slow waves on top.
        static double Launch(TimeSpan t, double perMinute) => perMinute * (1 + 2 * Math.Exp(-t.TotalMinutes / 45)) * (1 + 0.3 * Math.Sin(t.TotalMinutes / 4));
        var incidents = new (string Name, Conditions Conditions, string[] Detectors, string? Scope)[]
        {
            ("checkout outage", new Conditions(CheckoutBreakage: 0.6),
                [DetectorKinds.CheckoutConversionDrop, DetectorKinds.CheckoutFailureSpike, DetectorKinds.VisitConversionDrop, DetectorKinds.RevenueStall], null),
            ("payment failures spike", new Conditions(PaymentFailure: 0.35), [DetectorKinds.CheckoutFailureSpike], null),
            ("viral spike from one network", new Conditions(BoostedSource: "social:reddit", SourceBoost: 150), [DetectorKinds.TrafficSpike], "driven by social:reddit"),
            ("traffic collapse", new Conditions(TrafficFactor: 0.15), [DetectorKinds.TrafficDrop], null),
            ("broken add-to-cart button", new Conditions(CartBreakage: 0.8), [DetectorKinds.RewardToCartDrop, DetectorKinds.VisitConversionDrop], null),
            ("shipping-cost surprise at checkout", new Conditions(CheckoutAbandon: 0.6), [DetectorKinds.CartToCheckoutDrop, DetectorKinds.VisitConversionDrop], null),
        };
        var scenarios = new List<Scenario>
        {
            new("normal launch", day, t => Launch(t, 60)),
            new("slow steady campaign", day, t => 8 * (1 + 0.2 * Math.Sin(t.TotalMinutes / 9))),
            new("late-night low volume", day, t => 3 + 27 * Math.Pow(Math.Max(0, Math.Sin(Math.PI * t.TotalHours / 24)), 2)),
            // Different from the platform is not an incident: a third of its checkouts never complete, from launch on.
            new("launch converting worse than the platform", day, t => Launch(t, 60), Usual: new Conditions(CheckoutBreakage: 0.35, ReportedFailureShare: 0)),
        };
        foreach (var (label, at) in Onsets)
        {
            foreach (var (name, conditions, detectors, scope) in incidents)
            {
                var end = at + TimeSpan.FromMinutes(40);
                scenarios.Add(new Scenario(at == Onsets[^1].At ? name : $"{name} at {label}", end + TimeSpan.FromMinutes(20), t => Launch(t, 60), at, end,
                    conditions, detectors, scope));
            }
        }
        return scenarios;
    }

    /// <summary>
    /// Detection delay of a 50 % checkout → pledge conversion drop (silent: no failure events) against traffic
    /// volume, to show where a one-minute detection becomes possible.
    /// </summary>
    public static IReadOnlyList<DetectorReport> ConversionDropDelayByVolume(int seeds, IReadOnlyList<double> visitorsPerMinute, DetectorSettings? settings = null) =>
        DelayByVolume(seeds, visitorsPerMinute, "-50 %", new Conditions(CheckoutBreakage: 0.5, ReportedFailureShare: 0),
            [DetectorKinds.CheckoutConversionDrop, DetectorKinds.VisitConversionDrop, DetectorKinds.RevenueStall], settings);

    /// <summary>
    /// Detection delay of an incident against traffic volume (steady traffic, incident 1.5 h after launch): where the
    /// information for a one-minute detection exists at all.
    /// </summary>
    public static IReadOnlyList<DetectorReport> DelayByVolume(int seeds, IReadOnlyList<double> visitorsPerMinute, string label, Conditions incident,
        IReadOnlyList<string> detectors, DetectorSettings? settings = null)
    {
        var at = TimeSpan.FromHours(1.5);
        return [.. visitorsPerMinute.Select(volume =>
        {
            var scenario = new Scenario($"{label} at {volume:0} visitors/min", TimeSpan.FromHours(2), _ => volume, at, at + TimeSpan.FromMinutes(30),
                incident, detectors);
            var delays = new List<double>();
            for (var seed = 1; seed <= seeds; seed++)
            {
                var hit = ScenarioSimulator.Run(scenario, seed * 104729, settings)
                    .Where(a => a.OpenedAt >= at && a.OpenedAt <= at + DetectionHorizon && scenario.ExpectedDetectors!.Contains(a.Detector))
                    .OrderBy(a => a.OpenedAt).FirstOrDefault();
                if (hit is not null)
                {
                    delays.Add((hit.OpenedAt - at).TotalSeconds);
                }
            }
            delays.Sort();
            return new DetectorReport(scenario.Name, seeds, delays.Count, (double)delays.Count / seeds,
                delays.Count > 0 ? delays[(delays.Count - 1) / 2] : null, delays.Count > 0 ? delays[(int)Math.Ceiling(0.9 * (delays.Count - 1))] : null);
        })];
    }

    /// <summary>Runs every scenario with <paramref name="seeds"/> seeds.</summary>
    public static SuiteReport Run(int seeds, double normalHours = 24, DetectorSettings? settings = null)
    {
        _ = ScenarioSimulator.Platform;
        var perDetector = DetectorKinds.All.ToDictionary(d => d, _ => (Incidents: 0, Delays: new List<double>()));
        var perScenario = new Dictionary<string, (int Incidents, List<double> Delays)>();
        var falseAlerts = 0;
        var normalHoursTotal = 0.0;
        var misses = new List<string>();
        var falseSamples = new List<string>();
        var byScenario = new List<FalseAlertReport>();
        foreach (var scenario in Scenarios(normalHours))
        {
            var scenarioFalse = 0;
            for (var seed = 1; seed <= seeds; seed++)
            {
                var alerts = ScenarioSimulator.Run(scenario, seed * 7919 + scenario.Name.Length, settings);
                var incidentFree = scenario.HasIncident ? scenario.IncidentStart!.Value : scenario.Duration;
                // Detectors speak from the launch on: every incident-free minute counts, the launch hour included.
                normalHoursTotal += incidentFree.TotalHours;
                foreach (var alert in alerts.Where(a => a.OpenedAt < incidentFree))
                {
                    falseAlerts++;
                    scenarioFalse++;
                    if (falseSamples.Count < 10)
                    {
                        falseSamples.Add($"{scenario.Name} seed {seed} at {alert.OpenedAt}: {alert.Detector} {alert.Scope}: {alert.Message}");
                    }
                }
                if (!scenario.HasIncident)
                {
                    continue;
                }
                var start = scenario.IncidentStart!.Value;
                // The scenario's primary detector is the first one listed; every listed detector that fires counts for
                // the scenario, and each detector's own recall is measured on the scenarios that list it first.
                var primary = scenario.ExpectedDetectors![0];
                var entry = perDetector[primary];
                entry.Incidents++;
                var scenarioEntry = perScenario.TryGetValue(scenario.Name, out var se) ? se : (Incidents: 0, Delays: new List<double>());
                scenarioEntry.Incidents++;
                var hit = alerts.Where(a => a.OpenedAt >= start && a.OpenedAt <= start + DetectionHorizon &&
                                            scenario.ExpectedDetectors.Contains(a.Detector) &&
                                            (scenario.ExpectedScope is null || a.Message.Contains(scenario.ExpectedScope, StringComparison.Ordinal)))
                    .OrderBy(a => a.OpenedAt).FirstOrDefault();
                if (hit is null)
                {
                    misses.Add($"{scenario.Name} seed {seed}: not detected within {DetectionHorizon.TotalMinutes:0} min");
                }
                else
                {
                    entry.Delays.Add((hit.OpenedAt - start).TotalSeconds);
                    scenarioEntry.Delays.Add((hit.OpenedAt - start).TotalSeconds);
                }
                perDetector[primary] = entry;
                perScenario[scenario.Name] = scenarioEntry;
            }
            if (!scenario.HasIncident)
            {
                byScenario.Add(new FalseAlertReport(scenario.Name, scenarioFalse, scenario.Duration.TotalHours * seeds));
            }
        }
        static DetectorReport Report(string name, int incidents, List<double> found)
        {
            var delays = found.Order().ToList();
            return new DetectorReport(name, incidents, delays.Count, (double)delays.Count / incidents,
                delays.Count > 0 ? delays[(delays.Count - 1) / 2] : null, delays.Count > 0 ? delays[(int)Math.Ceiling(0.9 * (delays.Count - 1))] : null);
        }
        var reports = perDetector.Where(p => p.Value.Incidents > 0).Select(p => Report(p.Key, p.Value.Incidents, p.Value.Delays)).ToList();
        var scenarios = perScenario.Select(p => Report(p.Key, p.Value.Incidents, p.Value.Delays)).ToList();
        return new SuiteReport(reports, falseAlerts, normalHoursTotal, normalHoursTotal > 0 ? falseAlerts * 24 / normalHoursTotal : 0, misses, falseSamples, scenarios, byScenario);
    }
}
