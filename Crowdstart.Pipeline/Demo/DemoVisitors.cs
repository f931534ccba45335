using Crowdstart.Pipeline.Events;

namespace Crowdstart.Pipeline.Demo;

/// <summary>An event the demo will send: the campaign it belongs to and its JSON body as the API takes it.</summary>
internal sealed record DemoEvent(DemoCampaign Campaign, Dictionary<string, object?> Payload);

/// <summary>
/// The demo's crowd, apart from how its events are sent: how many visitors arrive per second after launch, which of
/// them come back, and the funnel each one walks. Events wait in time order until they are due.
/// </summary>
internal sealed class DemoVisitors(DemoOptions options, Random random)
{
    private readonly Dictionary<Guid, DateTimeOffset> _launchAt = [];
    private readonly Dictionary<Guid, List<string>> _returningPool = [];
    private readonly PriorityQueue<DemoEvent, DateTimeOffset> _pending = new();
    private readonly Random _random = random;

    /// <summary>Sets when a campaign launched; traffic is zero before it.</summary>
    public void Launched(Guid campaignId, DateTimeOffset at) => _launchAt[campaignId] = at;

    /// <summary>Visitors per second: a surge after launch that settles to a steady level, with slow waves.</summary>
    public double Rate(DemoCampaign c, DateTimeOffset at)
    {
        var sinceLaunch = (at - _launchAt.GetValueOrDefault(c.Id, at)).TotalMinutes;
        if (sinceLaunch < 0)
        {
            return 0;
        }
        var surge = 1.0 + 2.0 * Math.Exp(-sinceLaunch / 45);
        var wave = 1.0 + 0.3 * Math.Sin(sinceLaunch / 4 + c.Slug.Length);
        return options.VisitorsPerSecond * c.TrafficShare * surge * wave / 3;
    }

    /// <summary>Schedules the visitors who arrive within <paramref name="span"/> from <paramref name="from"/>; returns how many.</summary>
    public int Arrive(DemoCampaign c, DateTimeOffset from, TimeSpan span)
    {
        var visitors = Poisson(Rate(c, from) * span.TotalSeconds);
        for (var i = 0; i < visitors; i++)
        {
            ScheduleJourney(c, from.AddMilliseconds(_random.Next(0, (int)Math.Max(1, span.TotalMilliseconds))));
        }
        return visitors;
    }

    /// <summary>One visitor's walk down the funnel from <paramref name="start"/>, queued at the times its events happen.</summary>
    public void ScheduleJourney(DemoCampaign c, DateTimeOffset start)
    {
        var pool = _returningPool.TryGetValue(c.Id, out var p) ? p : _returningPool[c.Id] = [];
        var returning = pool.Count > 20 && _random.NextDouble() < 0.18;
        var customer = returning ? pool[_random.Next(pool.Count)] : NewCustomerId();
        if (!returning)
        {
            if (pool.Count >= 2000)
            {
                pool.RemoveAt(_random.Next(pool.Count));
            }
            pool.Add(customer);
        }
        var session = "s-" + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..12].ToLowerInvariant();
        var source = returning && _random.NextDouble() < 0.6 ? "direct" : PickWeighted(c.Sources, s => s.Weight).Source;
        var at = start;
        var device = _random.NextDouble() < 0.62 ? "mobile" : "desktop";

        void Emit(string type, object? properties = null, decimal? amount = null)
        {
            var payload = new Dictionary<string, object?>
            {
                ["eventId"] = Guid.NewGuid(),
                ["type"] = type,
                ["campaignId"] = c.Id,
                ["customerId"] = customer,
                ["sessionId"] = session,
                ["occurredAt"] = at,
                ["source"] = source,
            };
            if (amount is { } a)
            {
                payload["amount"] = a;
                payload["currency"] = c.Currency;
            }
            if (properties is not null)
            {
                payload["properties"] = properties;
            }
            _pending.Enqueue(new DemoEvent(c, payload), at);
        }

        // The funnel itself (steps, probabilities, delays) is shared with the alert scenario suite.
        var reward = PickWeighted(c.Rewards, r => r.Weight);
        var checkoutsStarted = 0;
        var browsedTop = false;
        var addOn = _random.NextDouble() < 0.2 ? 10m * _random.Next(1, 4) : 0m;
        foreach (var (type, seconds) in Alerts.FunnelJourney.Walk(_random, 0, _ => Alerts.Conditions.Normal, returning))
        {
            at = start.AddSeconds(seconds);
            switch (type)
            {
                case EventTypes.PageView:
                    Emit(type, new { page = "campaign", device });
                    break;
                case EventTypes.RewardView:
                    // Many look at the most expensive tier before settling on theirs: the demo's recommendations then
                    // have a tier that is viewed often and rarely pledged to point at.
                    var top = c.Rewards.MaxBy(r => r.Amount)!;
                    if (reward != top && !browsedTop && _random.NextDouble() < 0.3)
                    {
                        browsedTop = true;
                        Emit(type, new { reward = top.Name });
                        at = at.AddSeconds(_random.Next(5, 40));
                    }
                    Emit(type, new { reward = reward.Name });
                    break;
                case EventTypes.CartCreated:
                    Emit(type, new { reward = reward.Name });
                    break;
                case EventTypes.CheckoutStarted when checkoutsStarted++ == 0:
                    Emit(type, new { reward = reward.Name, payment = _random.NextDouble() < 0.7 ? "card" : "paypal" });
                    break;
                case EventTypes.CheckoutStarted:
                    Emit(type, new { reward = reward.Name, payment = "card", retry = true });
                    break;
                case EventTypes.CheckoutFailed:
                    Emit(type, new { reason = _random.NextDouble() < 0.5 ? "card_declined" : "timeout" });
                    break;
                case EventTypes.PledgeCompleted:
                    Emit(type, new { reward = reward.Name, add_on = addOn > 0 }, reward.Amount + addOn);
                    if (_random.NextDouble() < 0.015)
                    {
                        at = at.AddSeconds(_random.Next(30, 180));
                        Emit(EventTypes.PledgeRefunded, new { reward = reward.Name }, reward.Amount + addOn);
                    }
                    break;
            }
        }
    }

    /// <summary>Takes up to <paramref name="max"/> events due by <paramref name="now"/>, oldest first.</summary>
    public List<DemoEvent> TakeDue(DateTimeOffset now, int max)
    {
        var due = new List<DemoEvent>();
        while (_pending.TryPeek(out _, out var at) && at <= now && due.Count < max)
        {
            due.Add(_pending.Dequeue());
        }
        return due;
    }

    /// <summary>Queues events again to be sent at <paramref name="at"/> (same event ids: the API stores each once).</summary>
    public void Requeue(IEnumerable<DemoEvent> events, DateTimeOffset at)
    {
        foreach (var e in events)
        {
            _pending.Enqueue(e, at);
        }
    }

    private T PickWeighted<T>(IReadOnlyList<T> items, Func<T, double> weight)
    {
        var x = _random.NextDouble() * items.Sum(weight);
        foreach (var item in items)
        {
            if ((x -= weight(item)) < 0)
            {
                return item;
            }
        }
        return items[^1];
    }

    /// <summary>A Poisson draw with mean <paramref name="lambda"/>.</summary>
    public int Poisson(double lambda)
    {
        if (lambda > 30)
        {
            // Knuth's method underflows for large means; the normal approximation is plenty for demo traffic.
            var u = 1 - _random.NextDouble();
            var normal = Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * _random.NextDouble());
            return Math.Max(0, (int)Math.Round(lambda + Math.Sqrt(lambda) * normal));
        }
        var l = Math.Exp(-lambda);
        var k = 0;
        var p = 1.0;
        do
        {
            k++;
            p *= _random.NextDouble();
        } while (p > l);
        return k - 1;
    }

    // Letters only: an opaque id that can never look like a phone or card number to the PII checks.
    private string NewCustomerId() => "c-" + string.Concat(Enumerable.Range(0, 12).Select(_ => (char)('a' + _random.Next(26))));
}
