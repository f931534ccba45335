using Crowdstart.Tests.Alerts.Scenarios;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Events;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// Real events for a campaign: visitors arriving from <c>start</c> at a steady rate walk the demo funnel, under the
/// incident's conditions from <c>onset</c> on. <see cref="TakeDue"/> hands out the events whose time has come, so one
/// stream serves a replayed history (everything up to now, at once) and live traffic in real time after it (the
/// live-alert benchmark); <see cref="Generate"/> is the history-with-an-incident-at-the-end the tests post (the
/// campaign needs an allowed lateness covering the replayed time so it counts as live).
/// </summary>
public sealed class IncidentTraffic(Guid campaign, DateTimeOffset start, double visitorsPerMinute, DateTimeOffset onset, Conditions incident, int seed = 42)
{
    private readonly Random _random = new(seed);
    private readonly PriorityQueue<EventRecord, DateTimeOffset> _pending = new();
    private int _spawnedSeconds;
    private int _visitor;

    /// <summary>
    /// When the incident starts. May be moved while the traffic runs (the live benchmark fixes it once the history is
    /// posted); a checkout is judged by the value when its visitor arrives.
    /// </summary>
    public DateTimeOffset Onset { get; set; } = onset;

    /// <summary>
    /// The events that occurred before <paramref name="now"/> and were not handed out yet, oldest first (visitors
    /// are drawn second by second up to <paramref name="now"/>; their later steps wait here until their time).
    /// </summary>
    public List<EventRecord> TakeDue(DateTimeOffset now)
    {
        var incidentFrom = (Onset - start).TotalSeconds;
        Conditions At(double second) => second >= incidentFrom ? incident : Conditions.Normal;
        for (; start.AddSeconds(_spawnedSeconds) < now; _spawnedSeconds++)
        {
            var second = _spawnedSeconds;
            var count = ScenarioSimulator.Poisson(_random, visitorsPerMinute * At(second).TrafficFactor / 60);
            for (var i = 0; i < count; i++)
            {
                var customer = $"v-{seed}-{_visitor++}";
                var source = ScenarioSimulator.Pick(_random);
                foreach (var (type, at) in FunnelJourney.Walk(_random, second + _random.NextDouble(), At))
                {
                    var occurred = start.AddSeconds(at);
                    _pending.Enqueue(new EventRecord(Guid.NewGuid(), type, campaign, customer, "s-" + customer, occurred, source,
                        type == EventTypes.PledgeCompleted ? 49m : null, type == EventTypes.PledgeCompleted ? "EUR" : null, null), occurred);
                }
            }
        }
        var due = new List<EventRecord>();
        while (_pending.TryPeek(out _, out var at) && at < now)
        {
            due.Add(_pending.Dequeue());
        }
        return due;
    }

    /// <summary><paramref name="history"/> of traffic up to <paramref name="now"/>, the last <paramref name="incidentFor"/> of it under <paramref name="incident"/>.</summary>
    public static List<EventRecord> Generate(Guid campaign, DateTimeOffset now, double visitorsPerMinute, TimeSpan history, TimeSpan incidentFor,
        Conditions incident, int seed = 42) =>
        new IncidentTraffic(campaign, now - history, visitorsPerMinute, now - incidentFor, incident, seed).TakeDue(now);
}
