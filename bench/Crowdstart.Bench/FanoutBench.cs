using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crowdstart.Dashboard.Hubs;
using Crowdstart.Pipeline.Storage;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Npgsql;

/// <summary>
/// Fan-out: N hub subscribers streaming one campaign (started by scripts/bench-fanout.sh). Each probe posts one
/// pledge through the ingest API; the latency of a subscriber is from the 202 to its first snapshot that counts the
/// pledge. Reports p50/p95/p99/max over every (subscriber, probe), snapshots that never arrived, and the app's
/// memory before and with the subscribers connected. An optional background load runs through the same API.
/// </summary>
static class FanoutBench
{
    public static async Task RunAsync(string connectionString, Uri app, string email, string password, int appPid, int subscribers, int probes, int rate)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(dataSource).Options;
        var store = new CampaignStore(new Factory(options), TimeProvider.System);
        var org = await store.EnsureOrganisationAsync("bench", "Benchmarks");
        var campaign = await store.CreateCampaignAsync(org, "fanout-" + Guid.NewGuid().ToString("N")[..6], "Fan-out", "EUR", 10_000m, DateTimeOffset.UtcNow.AddHours(-1));
        var key = await store.CreateIngestKeyAsync(campaign.Id, "bench");
        var load = await store.CreateCampaignAsync(org, "fanout-load-" + Guid.NewGuid().ToString("N")[..6], "Fan-out load", "EUR", 10_000m, DateTimeOffset.UtcNow.AddHours(-1));
        var loadKey = await store.CreateIngestKeyAsync(load.Id, "bench");
        var cookies = await DashboardBench.SignInAsync(app, email, password);
        GC.Collect();
        await Task.Delay(2000);
        var rssBefore = DashboardBench.Rss(appPid);

        // Connect and subscribe, 25 at a time.
        var latest = new long[subscribers];
        var arrivals = new ConcurrentDictionary<(int Subscriber, long Pledges), long>();
        var connections = new HubConnection[subscribers];
        using var stop = new CancellationTokenSource();
        var streams = new List<Task>();
        var connectWatch = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(25))
        {
            await Task.WhenAll(Enumerable.Range(0, subscribers).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var connection = new HubConnectionBuilder()
                        .WithUrl(new Uri(app, CampaignHub.Route.TrimStart('/')), HttpTransportType.WebSockets, o => o.Cookies = cookies)
                        .Build();
                    await connection.StartAsync();
                    connections[i] = connection;
                    var first = new TaskCompletionSource();
                    lock (streams)
                    {
                        streams.Add(Task.Run(async () =>
                        {
                            await foreach (var message in connection.StreamAsync<CampaignSnapshotMessage>(nameof(CampaignHub.StreamSnapshots), campaign.Id, stop.Token))
                            {
                                var now = Stopwatch.GetTimestamp();
                                for (var p = Interlocked.Read(ref latest[i]) + 1; p <= message.Pledges; p++)
                                {
                                    arrivals.TryAdd((i, p), now);
                                }
                                Interlocked.Exchange(ref latest[i], Math.Max(Interlocked.Read(ref latest[i]), message.Pledges));
                                first.TrySetResult();
                            }
                        }));
                    }
                    await first.Task.WaitAsync(TimeSpan.FromSeconds(60));
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        Console.WriteLine($"fanout: {subscribers} subscribers connected and streaming in {connectWatch.Elapsed.TotalSeconds:F1} s");
        await Task.Delay(5000);
        GC.Collect();
        var rssWith = DashboardBench.Rss(appPid);

        // Optional background load through the same API.
        long loadAccepted = 0;
        var loadTask = rate > 0
            ? DashboardBench.BackgroundLoadAsync(app, loadKey, load.Id, rate, c => Interlocked.Add(ref loadAccepted, c), stop.Token)
            : Task.CompletedTask;
        await Task.Delay(rate > 0 ? 3000 : 0);

        // Probes.
        using var client = new HttpClient { BaseAddress = app };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var latencies = new List<double>();
        var missing = 0;
        var loadWatch = Stopwatch.StartNew();
        for (var k = 1; k <= probes; k++)
        {
            var body = JsonSerializer.Serialize(new[]
            {
                new { eventId = Guid.NewGuid(), type = "pledge_completed", campaignId = campaign.Id, customerId = $"f-{k}", sessionId = $"fs-{k}",
                      occurredAt = DateTimeOffset.UtcNow, source = "direct", amount = 10m, currency = "EUR" },
            }, JsonSerializerOptions.Web);
            using var response = await client.PostAsync("api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
            var acked = Stopwatch.GetTimestamp();
            response.EnsureSuccessStatusCode();
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(10) && Enumerable.Range(0, subscribers).Any(i => Interlocked.Read(ref latest[i]) < k))
            {
                await Task.Delay(10);
            }
            for (var i = 0; i < subscribers; i++)
            {
                if (arrivals.TryGetValue((i, k), out var at))
                {
                    latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(acked, at).TotalMilliseconds));
                }
                else
                {
                    missing++;
                }
            }
            await Task.Delay(1000);
        }
        var rssLoaded = DashboardBench.Rss(appPid);
        await stop.CancelAsync();
        try
        {
            await loadTask;
        }
        catch (OperationCanceledException)
        {
        }
        Console.WriteLine($"fanout: push latency 202 → snapshot at every subscriber: {DashboardBench.Summary(latencies)}; not received within 10 s: {missing}");
        if (rate > 0)
        {
            Console.WriteLine($"fanout: background load {loadAccepted / loadWatch.Elapsed.TotalSeconds:F0} events/s accepted meanwhile");
        }
        Console.WriteLine($"fanout: app RSS {rssBefore / 1048576.0:F0} MiB before, {rssWith / 1048576.0:F0} MiB with {subscribers} subscribers " +
            $"({(rssWith - rssBefore) / 1024.0 / subscribers:F1} KiB each), {rssLoaded / 1048576.0:F0} MiB after the probes");
        foreach (var connection in connections.Where(c => c is not null))
        {
            await connection.DisposeAsync();
        }
        try
        {
            await Task.WhenAll(streams);
        }
        catch (Exception)
        {
            // Streams end with their connections.
        }
    }
}
