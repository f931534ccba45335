using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
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
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        var crowd = new DemoVisitors(options.Value, options.Value.Seed == 0 ? new Random() : new Random(options.Value.Seed));
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
            await PrepareAsync(crowd, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        // The history posts beside the live traffic (its own client), so the demo is live from the first second.
        using var historyClient = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var history = Task.Run(() => PostHistoryAsync(historyClient, stoppingToken), stoppingToken);
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                SpawnVisitors(crowd);
                await FlushDueAsync(crowd, client, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        await history.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task PostHistoryAsync(HttpClient client, CancellationToken ct)
    {
        if (options.Value.HistoryCampaigns == 0)
        {
            return;
        }
        try
        {
            var posted = await new DemoHistory(campaigns, rollups, time, logger).EnsureAsync(client, options.Value.HistoryCampaigns, ct);
            if (posted > 0)
            {
                logger.LogInformation("Demo: posted the history of {Campaigns} finished campaigns ({Events} events) for the forecasts to learn from",
                    options.Value.HistoryCampaigns, posted);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Demo: posting the finished campaigns' history failed; forecasts use the pledge-curve prior until it is there");
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
    private async Task PrepareAsync(DemoVisitors crowd, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var c in DemoCampaigns.All)
        {
            var campaign = await campaigns.FindCampaignAsync(c.Id, ct);
            var launch = campaign?.LaunchAt ?? now - c.LaunchedAgo;
            crowd.Launched(c.Id, launch);
            var from = Max(launch, now - BackfillWindow);
            var series = await rollups.GetMinuteSeriesAsync(c.Id, from, now, ct);
            var replayed = 0;
            foreach (var minute in series.Where(m => m.Events == 0 && m.Minute.AddMinutes(1) < now))
            {
                for (var second = 0; second < 60; second++)
                {
                    replayed += crowd.Arrive(c, minute.Minute.AddSeconds(second), TimeSpan.FromSeconds(1));
                }
            }
            if (replayed > 0)
            {
                logger.LogInformation("Demo: replaying {Visitors} visitors of the last hour for {Campaign}", replayed, c.Name);
            }
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void SpawnVisitors(DemoVisitors crowd)
    {
        // Spawn for the time that really passed: a slow flush makes the timer skip ticks, which must not thin out traffic.
        var now = time.GetUtcNow();
        var elapsed = _lastSpawn is { } last ? now - last : Tick;
        _lastSpawn = now;
        foreach (var c in DemoCampaigns.All)
        {
            crowd.Arrive(c, now, elapsed);
        }
    }

    private DateTimeOffset? _lastSpawn;

    private async Task FlushDueAsync(DemoVisitors crowd, HttpClient client, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = crowd.TakeDue(now, 10_000);
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
                        Requeue(crowd, chunk, response.StatusCode is System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.TooManyRequests);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Demo ingest failed; retrying");
                    Requeue(crowd, chunk, true);
                }
            }
        }
    }

    private void Requeue(DemoVisitors crowd, IEnumerable<DemoEvent> events, bool retry)
    {
        if (retry)
        {
            crowd.Requeue(events, time.GetUtcNow().AddSeconds(2));
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
