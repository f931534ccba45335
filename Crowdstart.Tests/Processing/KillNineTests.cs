using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Processing;

/// <summary>
/// The app as a separate process under load, killed with SIGKILL at random moments and started again, over and over:
/// afterwards every event that got a 202 is in the log exactly once and every rollup equals the recomputation from
/// the raw log. Trials: <c>CROWDSTART_KILL_TRIALS</c> (default 4 in the test command; <c>scripts/fault-kill9.sh</c> runs more).
/// </summary>
[Layer(TestLayer.Fault)]
[Collection(FaultCollection.Name)]
public sealed class KillNineTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("CROWDSTART_KILL_TRIALS"), out var n) && n > 0 ? n : 4;

    /// <summary>The web app's build output next to this test build (same configuration).</summary>
    private static string AppDirectory()
    {
        var tests = AppContext.BaseDirectory; // …/Crowdstart.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(tests).Parent!.Name;
        var root = new DirectoryInfo(tests).Parent!.Parent!.Parent!.Parent!.FullName;
        var dir = Path.Combine(root, "Crowdstart.Dashboard", "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(dir, "Crowdstart.Dashboard.dll")), $"the app is not built at {dir}");
        return dir;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Process StartApp(int port)
    {
        var dir = AppDirectory();
        var start = new ProcessStartInfo("dotnet", Path.Combine(dir, "Crowdstart.Dashboard.dll"))
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Crowdstart"] = _database.ConnectionString;
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Demo__Enabled"] = "false";
        start.Environment["Alerts__Enabled"] = "false";
        start.Environment["Log__PartitionCount"] = _database.PartitionCount.ToString();
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient client, Process app)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            Assert.False(app.HasExited, "the app exited while starting");
            try
            {
                using var response = await client.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the app did not start");
    }

    [Fact]
    public async Task Sigkill_AtRandomMomentsUnderLoad_AcknowledgedEventsStoredOnceAndRollupsExact()
    {
        // Arrange
        var campaign = (await _database.Campaigns.CreateCampaignAsync(_database.OrganisationId, "kill-" + Guid.NewGuid().ToString("N")[..8], "Kill lamp", "EUR",
            1000m, DateTimeOffset.UtcNow.AddHours(-1))).Id;
        var key = await _database.Campaigns.CreateIngestKeyAsync(campaign, "kill");
        var acknowledged = new ConcurrentBag<Guid>();
        var random = new Random(9);
        var kills = new List<string>();

        // Act: trials of start → load → SIGKILL at a random moment
        for (var trial = 0; trial < Trials; trial++)
        {
            var port = FreePort();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            using var app = StartApp(port);
            await WaitHealthyAsync(client, app);
            using var stop = new CancellationTokenSource();
            var killing = 0;
            var load = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var n = 0;
                while (!stop.IsCancellationRequested)
                {
                    var ids = Enumerable.Range(0, 25).Select(_ => Guid.NewGuid()).ToList();
                    var events = ids.Select((id, i) => (n + i) % 6 == 0
                        ? (object)new { eventId = id, type = "pledge_completed", campaignId = campaign, customerId = $"k{trial}-{w}-{(n + i) % 200}", sessionId = "ks", occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "direct", amount = 15m, currency = "EUR" }
                        : new { eventId = id, type = "page_view", campaignId = campaign, customerId = $"k{trial}-{w}-{(n + i) % 200}", sessionId = "ks", occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "social:reddit" }).ToList();
                    n += ids.Count;
                    using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events")
                    {
                        Content = new StringContent(JsonSerializer.Serialize(events), Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                    try
                    {
                        using var response = await client.SendAsync(request);
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            ids.ForEach(acknowledged.Add);
                        }
                    }
                    catch (Exception) when (Volatile.Read(ref killing) == 1)
                    {
                        return; // killed mid-request: that batch was never acknowledged
                    }
                }
            })).ToList();
            var after = TimeSpan.FromMilliseconds(random.Next(300, 3000));
            await Task.Delay(after);
            Volatile.Write(ref killing, 1);
            app.Kill(); // SIGKILL on Linux: no shutdown hooks, no flush
            await app.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(load);
            kills.Add($"{after.TotalMilliseconds:0} ms");
        }

        // A last start: recovery, then drain the log into the rollups
        {
            var port = FreePort();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            using var app = StartApp(port);
            await WaitHealthyAsync(client, app);
            var drained = Stopwatch.StartNew();
            long lag;
            do
            {
                await Task.Delay(200);
                lag = await _database.LagAsync();
            }
            while (lag > 0 && drained.Elapsed < TimeSpan.FromSeconds(90));
            app.Kill();
            await app.WaitForExitAsync();
            Assert.Equal(0, lag);
        }

        // Assert
        var stored = new List<Guid>();
        await using (var cmd = _database.DataSource.CreateCommand($"SELECT event_id FROM event_log WHERE campaign_id = '{campaign}'"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetGuid(0));
            }
        }
        output.WriteLine($"trials {Trials}, kills after {string.Join(", ", kills)}; acknowledged {acknowledged.Count:N0}, stored {stored.Count:N0} " +
            $"(the difference: batches in flight at a kill, stored without their 202)");
        Assert.True(acknowledged.Count > 0, "the load reached the app");
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var missing = acknowledged.Except(stored).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged events are missing after kills at {string.Join(", ", kills)}");
        Assert.Equal(await RollupOracle.RecomputeAsync(_database.DataSource), await RollupOracle.StoredAsync(_database.DataSource));
        var (expected, totals) = await RollupOracle.TotalsAsync(_database.DataSource);
        Assert.Equal(expected, totals);
    }
}
