using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Crowdstart.Tests.Ingestion;

/// <summary>
/// The database goes away under load and comes back: ingest answers 503 with Retry-After meanwhile (never a 500,
/// never a hang), readiness says so, the pipeline resumes by itself, and every acknowledged event is in the log
/// exactly once with rollups equal to a recomputation, and the dashboard's live view is marked stale during the cut
/// and fresh again after it. Its own app and database, reached through a relay that is cut.
/// </summary>
[Layer(TestLayer.Fault)]
[Collection(FaultCollection.Name)]
public sealed class DatabaseOutageTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private FaultProxy _proxy = null!;
    private AppFixture.AppFactory _app = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var direct = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        _proxy = new FaultProxy(direct.Host!, direct.Port);
        // Short connect and command timeouts: a cut must surface as an error within seconds, not hang a request.
        var viaProxy = new NpgsqlConnectionStringBuilder(_database.ConnectionString)
        {
            Host = "127.0.0.1", Port = _proxy.Port, Timeout = 3, CommandTimeout = 10, KeepAlive = 1,
        };
        _app = new AppFixture.AppFactory(viaProxy.ConnectionString, _database.PartitionCount);
        _app.UseKestrel(0);
        _app.StartServer();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _base = new Uri(address.Replace("[::1]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _proxy.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Ingest_DatabaseDownFor12Seconds_503WithRetryAfterThenNothingAcknowledgedLost()
    {
        // Arrange: a campaign and a steady load of small batches from 4 clients
        var campaign = (await _database.Campaigns.CreateCampaignAsync(_database.OrganisationId, "outage-" + Guid.NewGuid().ToString("N")[..8], "Outage lamp", "EUR",
            1000m, DateTimeOffset.UtcNow.AddHours(-1))).Id;
        var key = await _database.Campaigns.CreateIngestKeyAsync(campaign, "outage");
        using var client = new HttpClient { BaseAddress = _base, Timeout = TimeSpan.FromSeconds(20) };
        var acknowledged = new ConcurrentBag<Guid>();
        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentBag<string>();
        var unavailableDuringCut = 0;
        var readyDuringCut = new ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();

        async Task LoadAsync(int worker)
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
                var body = JsonSerializer.Serialize(ids.Select(id => new
                {
                    eventId = id, type = n % 5 == 0 ? "pledge_completed" : "page_view", campaignId = campaign, customerId = $"o-{worker}-{n++ % 300}",
                    sessionId = $"os-{worker}", occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "direct",
                    amount = n % 5 == 1 ? 10m : (decimal?)null, currency = n % 5 == 1 ? "EUR" : null,
                }));
                // Each event with its own amount: rebuild precisely per event type.
                body = body.Replace(",\"amount\":null,\"currency\":null", "", StringComparison.Ordinal);
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                var cutAtSend = _proxy.IsCut;
                var watch = Stopwatch.StartNew();
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request);
                }
                catch (TaskCanceledException)
                {
                    failures.Add($"request hung for {watch.Elapsed.TotalSeconds:0} s");
                    continue;
                }
                using (response)
                {
                    var status = (int)response.StatusCode;
                    statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
                    if (status == 202)
                    {
                        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                        if (answer.GetProperty("rejected").GetArrayLength() > 0)
                        {
                            failures.Add("valid events rejected: " + answer.GetProperty("rejected"));
                        }
                        ids.ForEach(acknowledged.Add);
                    }
                    else if (status == 503)
                    {
                        if (cutAtSend)
                        {
                            Interlocked.Increment(ref unavailableDuringCut);
                        }
                        if (response.Headers.RetryAfter?.Delta is not { } wait)
                        {
                            failures.Add("503 without Retry-After");
                            wait = TimeSpan.FromSeconds(1);
                        }
                        // The client honours Retry-After (capped, so the test keeps its pace).
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds, 2000)));
                    }
                    else
                    {
                        failures.Add($"{status}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
                await Task.Delay(20);
            }
        }

        // The dashboard's live source, as every open campaign page and hub client of this app watches it.
        var views = new ConcurrentQueue<(DateTimeOffset Received, string? Problem)>();
        using var watching = _app.Services.GetRequiredService<CampaignLiveSource>().Subscribe(campaign, LiveRange.Live, view =>
        {
            views.Enqueue((DateTimeOffset.UtcNow, view.Problem));
            return Task.CompletedTask;
        });
        // Stale figures are the last good ones marked as such: on a cold app the first view can take seconds, and the
        // cut must not come before it.
        var firstView = Stopwatch.StartNew();
        while (!views.Any(v => v.Problem is null) && firstView.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        // Act: load, cut the database for 12 s, restore, keep loading, stop and let the pipeline drain
        var load = Enumerable.Range(0, 4).Select(w => Task.Run(() => LoadAsync(w))).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var beforeCut = acknowledged.Count;
        _proxy.Cut();
        var cutAt = DateTimeOffset.UtcNow;
        var cutWatch = Stopwatch.StartNew();
        while (cutWatch.Elapsed < TimeSpan.FromSeconds(12))
        {
            using var ready = await client.GetAsync("readyz");
            readyDuringCut.Add(ready.StatusCode);
            await Task.Delay(1000);
        }
        _proxy.Restore();
        var restoredAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(6));
        await stop.CancelAsync();
        await Task.WhenAll(load);
        var drained = Stopwatch.StartNew();
        long lag;
        do
        {
            await Task.Delay(200);
            lag = await _database.LagAsync();
        }
        while (lag > 0 && drained.Elapsed < TimeSpan.FromSeconds(60));
        using var readyAfter = await client.GetAsync("readyz");
        // The live view refreshes on pipeline changes and every few seconds: wait for a fresh one after the restore.
        var recovered = Stopwatch.StartNew();
        while (!views.Any(v => v.Received > restoredAt && v.Problem is null) && recovered.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(200);
        }

        output.WriteLine($"statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; acknowledged {acknowledged.Count:N0} " +
            $"({beforeCut:N0} before the cut); readiness during the cut: {string.Join(" ", readyDuringCut.Select(s => (int)s))}; drained in {drained.Elapsed.TotalSeconds:0.0} s");

        // Assert
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        Assert.True(beforeCut > 0, "the load was running before the cut");
        Assert.True(unavailableDuringCut > 0, "ingest answered 503 while the database was away; statuses: " + string.Join(", ", statuses));
        Assert.Contains(HttpStatusCode.ServiceUnavailable, readyDuringCut);
        Assert.Equal(HttpStatusCode.OK, readyAfter.StatusCode);
        // The dashboard showed the degraded state while the database was away, keeping the last figures (a refresh
        // begun just before the restore fails within the 3 s connect timeout, hence the margin)…
        var describedViews = string.Join(" | ", views.Select(v => $"{v.Received:HH:mm:ss.f} {v.Problem ?? "fresh"}"));
        Assert.True(views.Any(v => v.Received > cutAt && v.Received < restoredAt.AddSeconds(4)
                && v.Problem?.Contains("could not be refreshed since", StringComparison.Ordinal) == true),
            $"the live view was marked stale during the cut ({cutAt:HH:mm:ss.f}–{restoredAt:HH:mm:ss.f}); views: {describedViews}");
        // …and recovered by itself: the newest view is fresh again.
        Assert.True(views.Last().Problem is null && views.Last().Received > restoredAt,
            "the live view recovered after the database came back; views: " + describedViews);
        Assert.Equal(0, lag);
        Assert.True(acknowledged.Count > beforeCut, "ingest accepted events again after the database came back");
        var stored = new List<Guid>();
        await using (var cmd = _database.DataSource.CreateCommand($"SELECT event_id FROM event_log WHERE campaign_id = '{campaign}'"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetGuid(0));
            }
        }
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var missing = acknowledged.Except(stored).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged events are not in the log");
        Assert.Equal(await RollupOracle.RecomputeAsync(_database.DataSource), await RollupOracle.StoredAsync(_database.DataSource));
    }
}
