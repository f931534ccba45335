using Crowdstart.Pipeline.Events;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>Builds valid events and random event streams for tests.</summary>
public static class EventFactory
{
    public static EventRecord Event(Guid campaignId, string customerId, string type, DateTimeOffset at,
        decimal? amount = null, string source = "direct", Guid? eventId = null, string currency = "EUR") =>
        new(eventId ?? Guid.NewGuid(), type, campaignId, customerId, "s-" + customerId, at, source,
            EventTypes.CarriesAmount(type) ? amount ?? 25m : null,
            EventTypes.CarriesAmount(type) ? currency : null, null);

    /// <summary>
    /// A random stream: <paramref name="customers"/> customers across <paramref name="campaigns"/>, event times spread
    /// over <paramref name="minutes"/> minutes in random (so out-of-order) order.
    /// </summary>
    public static List<EventRecord> RandomStream(Random random, IReadOnlyList<Guid> campaigns, int count, int customers, int minutes, DateTimeOffset start)
    {
        var events = new List<EventRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var type = EventTypes.All[random.Next(EventTypes.All.Count)];
            var at = start.AddSeconds(random.Next(0, minutes * 60)).AddMilliseconds(random.Next(1000));
            events.Add(Event(campaigns[random.Next(campaigns.Count)], $"cust-{random.Next(customers)}", type, at,
                amount: Math.Round((decimal)random.Next(100, 50_000) / 100m, 2),
                source: random.Next(3) switch { 0 => "direct", 1 => "social:reddit", _ => "search" }));
        }
        return events;
    }
}
