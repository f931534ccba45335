using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Demo;

/// <summary>
/// Drives realistic launch traffic for the demo campaigns through the real HTTP API: visitors from several
/// sources walk a funnel with drop-offs, some come back later, pledges follow each campaign's reward tiers,
/// checkouts sometimes fail and a few pledges are refunded. Traffic surges after launch and then settles.
/// </summary>
public sealed class DemoTrafficGenerator(
    IServer server,
    IHostApplicationLifetime lifetime,
    CampaignStore campaigns,
    RollupQueries rollups,
    IOptions<DemoOptions> options,
    TimeProvider time,
    ILogger<DemoTrafficGenerator> logger) : BackgroundService
{
    /// <summary>How much recent history a fresh demo gets, so the charts are not empty on first open.</summary>
    private static readonly TimeSpan BackfillWindow = TimeSpan.FromMinutes(60);
    private readonly Dictionary<Guid, DateTimeOffset> _launchAt = [];
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly PriorityQueue<PendingEvent, DateTimeOffset> _pending = new();
    private readonly Dictionary<Guid, List<string>> _returningPool = [];
    private Random _random = Random.Shared;

    private sealed record PendingEvent(DemoCampaign Campaign, Dictionary<string, object?> Payload);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        _random = options.Value.Seed == 0 ? new Random() : new Random(options.Value.Seed);
        try
        {
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStarted.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using var client = new HttpClient { BaseAddress = ResolveBaseAddress(), Timeout = TimeSpan.FromSeconds(30) };
        logger.LogInformation("Demo traffic generator posting to {Url}", client.BaseAddress);
        try
        {
            await PrepareAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                SpawnVisitors();
                await FlushDueAsync(client, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Uri ResolveBaseAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        var uri = new UriBuilder(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1"));
        if (uri.Host == "localhost")
        {
            uri.Host = "127.0.0.1";
        }
        return uri.Uri;
    }

    /// <summary>
    /// Reads the campaigns' launch times and replays the minutes of the last hour that have no events (a first
    /// start, or time the app was not running) through the API with their historical event times.
    /// </summary>
    private async Task PrepareAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var c in DemoCampaigns.All)
        {
            var campaign = await campaigns.FindCampaignAsync(c.Id, ct);
            var launch = campaign?.LaunchAt ?? now - c.LaunchedAgo;
            _launchAt[c.Id] = launch;
            var from = Max(launch, now - BackfillWindow);
            var series = await rollups.GetMinuteSeriesAsync(c.Id, from, now, ct);
            var replayed = 0;
            foreach (var minute in series.Where(m => m.Events == 0 && m.Minute.AddMinutes(1) < now))
            {
                for (var second = 0; second < 60; second++)
                {
                    var at = minute.Minute.AddSeconds(second);
                    var visitors = Poisson(Rate(c, at));
                    for (var i = 0; i < visitors; i++)
                    {
                        ScheduleJourney(c, at.AddMilliseconds(_random.Next(1000)));
                        replayed++;
                    }
                }
            }
            if (replayed > 0)
            {
                logger.LogInformation("Demo: replaying {Visitors} visitors of the last hour for {Campaign}", replayed, c.Name);
            }
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>Visitors per second: a surge after launch that settles to a steady level, with slow waves.</summary>
    private double Rate(DemoCampaign c, DateTimeOffset at)
    {
        var sinceLaunch = (at - _launchAt.GetValueOrDefault(c.Id, at)).TotalMinutes;
        if (sinceLaunch < 0)
        {
            return 0;
        }
        var surge = 1.0 + 2.0 * Math.Exp(-sinceLaunch / 45);
        var wave = 1.0 + 0.3 * Math.Sin(sinceLaunch / 4 + c.Slug.Length);
        return options.Value.VisitorsPerSecond * c.TrafficShare * surge * wave / 3;
    }

    private void SpawnVisitors()
    {
        // Spawn for the time that really passed: a slow flush makes the timer skip ticks, which must not thin out traffic.
        var now = time.GetUtcNow();
        var elapsed = _lastSpawn is { } last ? now - last : Tick;
        _lastSpawn = now;
        foreach (var c in DemoCampaigns.All)
        {
            var visitors = Poisson(Rate(c, now) * elapsed.TotalSeconds);
            for (var i = 0; i < visitors; i++)
            {
                ScheduleJourney(c, now.AddMilliseconds(_random.Next(0, (int)Math.Max(1, elapsed.TotalMilliseconds))));
            }
        }
    }

    private DateTimeOffset? _lastSpawn;

    private void ScheduleJourney(DemoCampaign c, DateTimeOffset start)
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
        var source = returning && _random.NextDouble() < 0.6 ? "direct" : Pick(c.Sources);
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
            _pending.Enqueue(new PendingEvent(c, payload), at);
        }

        // The funnel itself (steps, probabilities, delays) is shared with the alert scenario suite.
        var reward = PickReward(c.Rewards);
        var checkoutsStarted = 0;
        var addOn = _random.NextDouble() < 0.2 ? 10m * _random.Next(1, 4) : 0m;
        foreach (var (type, seconds) in Alerts.FunnelJourney.Walk(_random, 0, _ => Alerts.Conditions.Normal, returning))
        {
            at = start.AddSeconds(seconds);
            switch (type)
            {
                case EventTypes.PageView:
                    Emit(type, new { page = "campaign", device });
                    break;
                case EventTypes.RewardView or EventTypes.CartCreated:
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

    private async Task FlushDueAsync(HttpClient client, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = new List<PendingEvent>();
        while (_pending.TryPeek(out _, out var at) && at <= now && due.Count < 10_000)
        {
            due.Add(_pending.Dequeue());
        }
        foreach (var group in due.GroupBy(e => e.Campaign))
        {
            foreach (var chunk in group.Chunk(500))
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events")
                {
                    Content = JsonContent.Create(chunk.Select(e => e.Payload), options: JsonOptions),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", group.Key.IngestKey);
                try
                {
                    using var response = await client.SendAsync(request, ct);
                    if (response.IsSuccessStatusCode)
                    {
                        var result = await response.Content.ReadFromJsonAsync<IngestResponse>(JsonOptions, ct);
                        if (result is { Rejected.Count: > 0 })
                        {
                            logger.LogWarning("Demo ingest rejected {Count} events, e.g. {Field}: {Reason}",
                                result.Rejected.Count, result.Rejected[0].Field, result.Rejected[0].Reason);
                        }
                    }
                    else
                    {
                        logger.LogWarning("Demo ingest answered {Status}: {Body}", (int)response.StatusCode,
                            await response.Content.ReadAsStringAsync(ct));
                        Requeue(chunk, response.StatusCode is System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.TooManyRequests);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Demo ingest failed; retrying");
                    Requeue(chunk, true);
                }
            }
        }
    }

    private void Requeue(IEnumerable<PendingEvent> events, bool retry)
    {
        if (!retry)
        {
            return;
        }
        // Same eventIds on retry: the API stores each once even if the first attempt did land.
        var at = time.GetUtcNow().AddSeconds(2);
        foreach (var e in events)
        {
            _pending.Enqueue(e, at);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private string Pick(IReadOnlyList<(string Source, double Weight)> items)
    {
        var total = items.Sum(i => i.Weight);
        var x = _random.NextDouble() * total;
        foreach (var (source, weight) in items)
        {
            if ((x -= weight) < 0)
            {
                return source;
            }
        }
        return items[^1].Source;
    }

    private DemoReward PickReward(IReadOnlyList<DemoReward> rewards)
    {
        var total = rewards.Sum(r => r.Weight);
        var x = _random.NextDouble() * total;
        foreach (var r in rewards)
        {
            if ((x -= r.Weight) < 0)
            {
                return r;
            }
        }
        return rewards[^1];
    }

    private int Poisson(double lambda)
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
