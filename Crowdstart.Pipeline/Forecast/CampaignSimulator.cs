using Crowdstart.Pipeline.Events;

namespace Crowdstart.Pipeline.Forecast;

/// <summary>A simulated campaign: its settings, its hidden quality, and every event it received in time order.</summary>
/// <param name="Id">Its id (also the campaign's id when the bench creates it).</param>
/// <param name="Goal">Its goal, in euros.</param>
/// <param name="LaunchAt">When it launched.</param>
/// <param name="EndAt">When it ends.</param>
/// <param name="Quality">The latent quality that drives its outcome and its early signals (standard normal).</param>
/// <param name="Events">What its page sent, as the ingest API takes it.</param>
public sealed record SimulatedCampaign(Guid Id, decimal Goal, DateTimeOffset LaunchAt, DateTimeOffset EndAt, double Quality, IReadOnlyList<EventRecord> Events)
{
    /// <summary>Net pledged at the end (pledges minus refunds).</summary>
    public decimal Final => Events.Where(e => e.Type == EventTypes.PledgeCompleted).Sum(e => e.Amount ?? 0)
        - Events.Where(e => e.Type == EventTypes.PledgeRefunded).Sum(e => e.Amount ?? 0);
}

/// <summary>
/// The generative model of campaigns behind the forecast's evaluation and the demo's history (docs/forecast.md,
/// "The simulated corpus"). Each campaign has a latent quality q ~ N(0, 1) that sets how far past its goal it goes
/// (final ÷ goal = exp(0.8 q + 0.35 ε), so about half succeed), how much of its money comes with the launch, its
/// conversion and its social share. Its money arrives as a launch burst decaying with a half-life of 12–60 h, a steady
/// middle and a surge in the last 48 h, as individual visitors who browse, some of whom put a reward in a cart, check
/// out (sometimes failing first) and pledge; a few refund later and some come back in a new session. Everything a
/// campaign page sends is generated, so the evaluation runs through the same ingest, pipeline and metric tables as
/// live traffic.
/// </summary>
public sealed class CampaignSimulator(Random random)
{
    private static readonly string[] Sources = ["direct", "search", "email", "social:reddit", "social:x", "social:facebook"];
    private static readonly int[] Durations = [20, 30, 30, 30, 30, 30, 45, 45, 60, 30];

    /// <summary>A campaign launched at <paramref name="launch"/>, with events up to its end or <paramref name="until"/>, whichever is first.</summary>
    public SimulatedCampaign Next(DateTimeOffset launch, DateTimeOffset? until = null, Guid? id = null)
    {
        // Drawn even when an id is given, so a seed yields the same campaign whatever its id.
        var drawn = NextGuid();
        var campaign = id ?? drawn;
        var quality = Gaussian();
        var goal = Math.Round((decimal)Math.Clamp(4_000 * Math.Exp(0.6 * Gaussian()), 1_000, 50_000) / 500) * 500;
        var days = Durations[random.Next(Durations.Length)];
        var end = launch.AddDays(days);
        var duration = (end - launch).TotalHours;
        var final = (double)goal * Math.Exp(0.8 * quality + 0.35 * Gaussian());
        var launchShare = Math.Clamp(0.32 + 0.08 * quality + 0.06 * Gaussian(), 0.1, 0.6);
        var surgeShare = 0.08 + 0.12 * random.NextDouble();
        var halfLife = 12 + 48 * random.NextDouble();
        var conversion = Math.Clamp(0.12 + 0.03 * quality + 0.02 * Gaussian(), 0.03, 0.3);
        var social = Math.Clamp(0.3 + 0.08 * quality + 0.08 * Gaussian(), 0.05, 0.75);
        var meanPledge = 55 + 25 * random.NextDouble();
        var pledgers = Math.Max(1, Poisson(final / meanPledge));
        var visitors = (int)Math.Round(pledgers / conversion);
        var stop = until is { } u && u < end ? u : end;
        var tag = campaign.ToString("N")[..8];
        var events = new List<EventRecord>(visitors * 3);
        for (var v = 0; v < visitors; v++)
        {
            var at = launch.AddHours(ArrivalHour(duration, launchShare, surgeShare, halfLife));
            var customer = $"v-{tag}-{v}";
            var source = random.NextDouble() < social ? Sources[3 + random.Next(3)] : Sources[random.Next(3)];
            Visit(events, campaign, customer, source, at, pledges: v < pledgers, meanPledge, stop);
        }
        events.RemoveAll(e => e.OccurredAt >= stop);
        events.Sort((a, b) => a.OccurredAt.CompareTo(b.OccurredAt));
        return new SimulatedCampaign(campaign, goal, launch, end, quality, events);
    }

    /// <summary>One visitor's events: a visit, browsing, perhaps a cart and a checkout, perhaps a pledge, perhaps a return.</summary>
    private void Visit(List<EventRecord> events, Guid campaign, string customer, string source, DateTimeOffset at, bool pledges, double meanPledge,
        DateTimeOffset stop)
    {
        var session = $"{customer}-1";
        void Add(string type, DateTimeOffset when, string from, decimal? amount = null, string? sessionId = null) =>
            events.Add(new EventRecord(NextGuid(), type, campaign, customer, sessionId ?? session, when, from, amount, amount is null ? null : "EUR", null));
        Add(EventTypes.PageView, at, source);
        var t = at;
        if (pledges || random.NextDouble() < 0.35)
        {
            Add(EventTypes.RewardView, t = t.AddSeconds(20 + random.Next(120)), source);
        }
        if (pledges || random.NextDouble() < 0.12)
        {
            Add(EventTypes.CartCreated, t = t.AddSeconds(30 + random.Next(300)), source);
            if (pledges || random.NextDouble() < 0.5)
            {
                Add(EventTypes.CheckoutStarted, t = t.AddSeconds(20 + random.Next(240)), source);
                if (random.NextDouble() < 0.08)
                {
                    Add(EventTypes.CheckoutFailed, t = t.AddSeconds(5 + random.Next(30)), source);
                    Add(EventTypes.CheckoutStarted, t = t.AddSeconds(30 + random.Next(120)), source);
                }
            }
        }
        if (pledges)
        {
            var amount = Math.Round((decimal)Math.Clamp(meanPledge * Math.Exp(0.7 * Gaussian() - 0.245), 5, 2_000));
            Add(EventTypes.PledgeCompleted, t = t.AddSeconds(10 + random.Next(60)), source, amount);
            if (random.NextDouble() < 0.03)
            {
                Add(EventTypes.PledgeRefunded, t.AddHours(1 + random.Next(72)), source, amount);
            }
        }
        if (random.NextDouble() < (pledges ? 0.35 : 0.15))
        {
            Add(EventTypes.PageView, at.AddHours(1 + 22 * random.NextDouble()), "direct", sessionId: $"{customer}-2");
        }
    }

    /// <summary>An arrival time in hours since launch from the campaign's mixture: launch burst, steady middle, final surge.</summary>
    private double ArrivalHour(double duration, double launchShare, double surgeShare, double halfLife)
    {
        var u = random.NextDouble();
        if (u < launchShare)
        {
            // Exponential decay, cut at the end (a very slow decay over a short campaign).
            return Math.Min(duration * 0.999, -halfLife / Math.Log(2) * Math.Log(1 - random.NextDouble()));
        }
        if (u < launchShare + surgeShare)
        {
            return duration - Math.Min(48, duration / 4) * random.NextDouble();
        }
        return duration * random.NextDouble();
    }

    /// <summary>
    /// A version-4 shaped id from the seeded random: the same seed gives the same event ids, so posting a simulated
    /// history again (the demo after an interrupted start) is deduplicated by the API instead of counted twice.
    /// </summary>
    private Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private int Poisson(double mean)
    {
        if (mean > 50)
        {
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Gaussian()));
        }
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble())
        {
            k++;
        }
        return k;
    }
}
