using Crowdstart.Tests.Alerts.Scenarios;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Events;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// Real events for a campaign: an hour and more of normal traffic through the demo funnel, then an incident over
/// the last minutes, all with event times up to now (the campaign needs an allowed lateness of two hours so the
/// replayed hour counts as live).
/// </summary>
public static class IncidentTraffic
{
    public static List<EventRecord> Generate(Guid campaign, DateTimeOffset now, double visitorsPerMinute, TimeSpan history, TimeSpan incidentFor,
        Conditions incident, int seed = 42)
    {
        var random = new Random(seed);
        var start = now - history;
        var incidentFrom = (now - incidentFor - start).TotalSeconds;
        var events = new List<EventRecord>();
        var visitor = 0;
        for (var second = 0; second < history.TotalSeconds; second++)
        {
            var conditions = second >= incidentFrom ? incident : Conditions.Normal;
            var count = ScenarioSimulator.Poisson(random, visitorsPerMinute * conditions.TrafficFactor / 60);
            for (var i = 0; i < count; i++)
            {
                var customer = $"v-{seed}-{visitor++}";
                var source = ScenarioSimulator.Pick(random);
                foreach (var (type, at) in FunnelJourney.Walk(random, second + random.NextDouble(), t => t >= incidentFrom ? incident : Conditions.Normal))
                {
                    var occurred = start.AddSeconds(at);
                    if (occurred >= now)
                    {
                        continue;
                    }
                    events.Add(new EventRecord(Guid.NewGuid(), type, campaign, customer, "s-" + customer, occurred, source,
                        type == EventTypes.PledgeCompleted ? 49m : null, type == EventTypes.PledgeCompleted ? "EUR" : null, null));
                }
            }
        }
        return events;
    }
}
