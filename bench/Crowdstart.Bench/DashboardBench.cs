using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crowdstart.Dashboard.Hubs;
using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Storage;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

/// <summary>
/// Dashboard benchmarks against the running app (started by scripts/bench-dashboard.sh):
/// (1) initial load of a campaign holding millions of events: the live view's server computation, and the whole
///     signed-in page request (prerendered HTML with the figures);
/// (2) event committed (ingest answered 202) → hub client holds a snapshot that includes it, under a steady
///     background load posted through the same API;
/// (3) server memory per open campaign page: the app's RSS before and after opening N pages in Chromium.
/// </summary>
static class DashboardBench
{
    public static async Task RunAsync(string connectionString, Uri app, string email, string password, int backlog, int rate, int seconds,
        int pages, int appPid, string chromium)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(dataSource).Options;
        var store = new CampaignStore(new Factory(options), TimeProvider.System);
        var org = await store.EnsureOrganisationAsync("bench", "Benchmarks");
        var now = DateTimeOffset.UtcNow;
        var big = await store.CreateCampaignAsync(org, "dash-big-" + Guid.NewGuid().ToString("N")[..6], "Seeded launch", "EUR", 5_000_000m, now.AddHours(-6));
        var probe = await store.CreateCampaignAsync(org, "dash-probe-" + Guid.NewGuid().ToString("N")[..6], "Probe", "EUR", 10_000m, now.AddHours(-1));
        var load = await store.CreateCampaignAsync(org, "dash-load-" + Guid.NewGuid().ToString("N")[..6], "Background load", "EUR", 10_000m, now.AddHours(-1));
        var probeKey = await store.CreateIngestKeyAsync(probe.Id, "bench");
        var loadKey = await store.CreateIngestKeyAsync(load.Id, "bench");
        int partitions;
        await using (var cmd = dataSource.CreateCommand("SELECT count(*)::int FROM log_partitions"))
        {
            partitions = (int)(await cmd.ExecuteScalarAsync())!;
        }

        // Seed: the backlog goes straight into the log; the app's own pipeline folds it into the metric tables.
        var sw = Stopwatch.StartNew();
        await PipelineBench.AppendLaunchAsync(new EventLogWriter(dataSource, partitions, TimeProvider.System), big.Id, backlog, now.AddHours(-6), TimeSpan.FromHours(6), seed: 11);
        Console.WriteLine($"seed: {backlog:N0} events appended in {sw.Elapsed.TotalSeconds:F0} s; waiting for the app's pipeline");
        await WaitForPipelineAsync(dataSource);
        Console.WriteLine($"seed: processed after {sw.Elapsed.TotalSeconds:F0} s");

        // 1. Initial load.
        var source = new CampaignLiveSource(new CampaignAccess(new Factory(options), TimeProvider.System), new MetricsQuery(dataSource), new EventFeedQueries(new Factory(options)),
            new CampaignChangeFeed(Options.Create(new ProcessingOptions()), TimeProvider.System, NullLogger<CampaignChangeFeed>.Instance),
            Options.Create(new ProcessingOptions()), TimeProvider.System, NullLogger<CampaignLiveSource>.Instance);
        foreach (var range in new[] { LiveRange.Live, LiveRange.Hour, LiveRange.Day, LiveRange.SinceLaunch })
        {
            var times = new List<double>();
            for (var i = 0; i < 30; i++)
            {
                var view = await source.ComputeAsync(big.Id, range) ?? throw new InvalidOperationException("no view");
                times.Add(view.ComputeTime.TotalMilliseconds);
            }
            Console.WriteLine($"initial view ({range}, {backlog:N0} events): {Summary(times)}");
        }
        var cookies = await SignInAsync(app, email, password);
        using (var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = app })
        {
            var times = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var t = Stopwatch.StartNew();
                var html = await client.GetStringAsync($"campaigns/{big.Id}");
                times.Add(t.Elapsed.TotalMilliseconds);
                if (!html.Contains("kpi-pledged-total", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("the prerendered page carries no figures");
                }
            }
            Console.WriteLine($"initial page request, signed in, prerendered with figures: {Summary(times)}");
        }

        // 2. Commit → hub latency under background load.
        using var stop = new CancellationTokenSource();
        long loadAccepted = 0;
        var loadWatch = Stopwatch.StartNew();
        var loadTask = BackgroundLoadAsync(app, loadKey, load.Id, rate, c => Interlocked.Add(ref loadAccepted, c), stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(5)); // the load reaches its pace
        var latencies = await ProbeHubAsync(app, cookies, probeKey, probe.Id, seconds, stop.Token);
        var achieved = Interlocked.Read(ref loadAccepted) / loadWatch.Elapsed.TotalSeconds;
        Console.WriteLine($"commit → hub snapshot ({latencies.Count} probes, background load {achieved:F0} ev/s accepted, target {rate}): {Summary(latencies)}");
        await stop.CancelAsync();
        await loadTask.ContinueWith(_ => { });

        // 3. Memory per open page.
        if (pages <= 0)
        {
            return;
        }
        var before = Rss(appPid);
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await LaunchChromiumAsync(playwright, chromium);
        var context = await SignedInContextAsync(browser, app, cookies);
        var opened = new List<Microsoft.Playwright.IPage>();
        sw.Restart();
        for (var i = 0; i < pages; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync($"campaigns/{(i % 2 == 0 ? big.Id : probe.Id)}");
            await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 120_000 });
            opened.Add(page);
        }
        Console.WriteLine($"opened {pages} campaign pages in {sw.Elapsed.TotalSeconds:F0} s");
        await Task.Delay(TimeSpan.FromSeconds(20));
        var after = Rss(appPid);
        Console.WriteLine($"server memory: RSS {before / 1048576.0:F0} MiB before, {after / 1048576.0:F0} MiB with {pages} open campaign pages " +
            $"→ {(after - before) / 1024.0 / pages:F0} KiB per circuit");
        await context.CloseAsync();
    }

    /// <summary>
    /// Posts a one-pledge probe to <paramref name="probe"/> every 0.5–1 s for <paramref name="seconds"/> and returns, per
    /// probe, the time from its 202 to the first snapshot of the campaign hub's stream that counts it (ms).
    /// </summary>
    internal static async Task<List<double>> ProbeHubAsync(Uri app, CookieContainer cookies, string probeKey, Guid probe, int seconds, CancellationToken ct)
    {
        using var streamStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app, CampaignHub.Route.TrimStart('/')), HttpTransportType.WebSockets, o => o.Cookies = cookies)
            .Build();
        await hub.StartAsync();
        var latest = 0L;
        var arrivals = new List<(long Pledges, long Ticks)>();
        var streamTask = Task.Run(async () =>
        {
            await foreach (var message in hub.StreamAsync<CampaignSnapshotMessage>(nameof(CampaignHub.StreamSnapshots), probe, streamStop.Token))
            {
                lock (arrivals)
                {
                    arrivals.Add((message.Pledges, Stopwatch.GetTimestamp()));
                }
                Interlocked.Exchange(ref latest, message.Pledges);
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(2)); // the stream delivers its first snapshot
        var latencies = new List<double>();
        using var probeClient = new HttpClient { BaseAddress = app };
        probeClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", probeKey);
        var deadline = Stopwatch.StartNew();
        for (var k = 1; deadline.Elapsed.TotalSeconds < seconds; k++)
        {
            var body = JsonSerializer.Serialize(new[]
            {
                new { eventId = Guid.NewGuid(), type = "pledge_completed", campaignId = probe, customerId = $"probe-{k}", sessionId = $"ps-{k}",
                    occurredAt = DateTimeOffset.UtcNow, source = "direct", amount = 1m, currency = "EUR" },
            }, JsonSerializerOptions.Web);
            using var response = await probeClient.PostAsync("api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"probe ingest answered {(int)response.StatusCode}");
            }
            var committed = Stopwatch.GetTimestamp();
            while (Interlocked.Read(ref latest) < k)
            {
                await Task.Delay(2);
                if (Stopwatch.GetElapsedTime(committed) > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"probe {k} never reached the hub");
                }
            }
            long arrived;
            lock (arrivals)
            {
                arrived = arrivals.First(a => a.Pledges >= k).Ticks;
            }
            latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(committed, arrived).TotalMilliseconds));
            await Task.Delay(Random.Shared.Next(500, 1000));
        }
        await streamStop.CancelAsync();
        await streamTask.ContinueWith(_ => { });
        return latencies;
    }

    internal static async Task BackgroundLoadAsync(Uri app, string key, Guid campaign, int rate, Action<int> accepted, CancellationToken ct)
    {
        // Senders each posting a batch every 200 ms, at most 250 events per batch (the size a busy page would send).
        // A sender that falls behind (a slow answer) sends its missed batches at once, so the rate is the target's.
        var senders = Math.Max(4, (rate + 1249) / 1250);
        var batch = Math.Max(1, rate / senders / 5);
        using var client = new HttpClient { BaseAddress = app };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async s =>
        {
            // Pre-built templates with fresh ids per batch: the generator must not take the server's CPU (2 cores).
            var bodies = new IngestBodies(campaign, batch, seed: s);
            var clock = Stopwatch.StartNew();
            for (var tick = 1L; !ct.IsCancellationRequested; tick++)
            {
                var due = TimeSpan.FromMilliseconds(200 * tick + 200.0 * s / senders) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, ct).ConfigureAwait(false);
                }
                using var content = IngestBodies.Content(bodies.Next());
                using var response = await client.PostAsync("api/v1/events", content, ct);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted(batch);
                }
            }
        }));
    }

    internal static async Task WaitForPipelineAsync(NpgsqlDataSource dataSource)
    {
        while (true)
        {
            await using var cmd = dataSource.CreateCommand(
                "SELECT coalesce(sum(p.next_offset - 1 - coalesce(c.\"offset\", 0)), 0)::bigint FROM log_partitions p LEFT JOIN partition_checkpoints c ON c.partition = p.partition");
            if ((long)(await cmd.ExecuteScalarAsync())! <= 0)
            {
                return;
            }
            await Task.Delay(1000);
        }
    }

    /// <summary>Headless Debian Chromium, with nothing throttling background pages (the benchmarks watch pages that are not focused).</summary>
    internal static Task<Microsoft.Playwright.IBrowser> LaunchChromiumAsync(Microsoft.Playwright.IPlaywright playwright, string chromium) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-renderer-backgrounding", "--disable-background-timer-throttling"] });

    /// <summary>A browser context on <paramref name="app"/> carrying the cookies of a sign-in (<see cref="SignInAsync"/>).</summary>
    internal static async Task<Microsoft.Playwright.IBrowserContext> SignedInContextAsync(Microsoft.Playwright.IBrowser browser, Uri app, CookieContainer cookies)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = app.ToString(), ViewportSize = new() { Width = 1280, Height = 800 } });
        await context.AddCookiesAsync(cookies.GetAllCookies().Select(c => new Microsoft.Playwright.Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure,
        }));
        return context;
    }

    internal static async Task<CookieContainer> SignInAsync(Uri app, string email, string password)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app };
        var form = await client.GetStringAsync("account/login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        using var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Email"] = email, ["Password"] = password, ["ReturnUrl"] = "/",
        }));
        if (response.Headers.Location?.ToString().Contains("error", StringComparison.OrdinalIgnoreCase) != false)
        {
            throw new InvalidOperationException($"sign-in failed: {response.StatusCode} {response.Headers.Location}");
        }
        return cookies;
    }

    internal static long Rss(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    internal static string Summary(List<double> values)
    {
        var sorted = values.Order().ToArray();
        double P(double q) => Percentile(sorted, q);
        return $"p50 {P(0.5):F1} ms, p95 {P(0.95):F1} ms, p99 {P(0.99):F1} ms, max {sorted[^1]:F1} ms (n={sorted.Length})";
    }

    /// <summary>Nearest-rank percentile <paramref name="q"/> (0–1) of values sorted ascending.</summary>
    internal static double Percentile(IReadOnlyList<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1))];
}
