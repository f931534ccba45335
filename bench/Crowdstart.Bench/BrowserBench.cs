using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

/// <summary>
/// The campaign page's rendering budget in the browser (issue 21, item 10), against the running app (scripts/bench-browser.sh
/// starts it, pipeline on, demo off). A campaign launched <c>history</c> hours ago gets that history of demo-like visitors
/// (<see cref="IncidentTraffic"/>, the demo funnel, no incident) replayed through the ingest API, then the same stream in
/// real time, a batch a second. Its page is opened in Debian's Chromium (1280×800) per range; after a warm-up the main
/// thread's busy time is read from the Chrome DevTools Protocol (Performance.getMetrics: TaskDuration, ScriptDuration,
/// LayoutDuration, RecalcStyleDuration deltas over the window, divided by the wall-clock window) and long tasks from a
/// PerformanceObserver('longtask') installed before the page's own scripts (count, max, total over the window).
/// </summary>
static class BrowserBench
{
    private const string LongTaskScript = """
        window.__longTasks = [];
        try {
            new PerformanceObserver(list => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
                .observe({ type: 'longtask', buffered: true });
        } catch (e) { window.__longTasks = null; }
        window.__frames = [];
        // Per-chart draw times as user-timing measures (ApexChart.razor.js), to name the chart behind a long frame.
        globalThis.csChartTiming = true;
        try {
            // Long animation frames name the scripts behind a long block (where a long task does not).
            new PerformanceObserver(list => { for (const e of list.getEntries()) if (e.duration > 150) window.__frames.push([e.startTime, e.duration,
                e.scripts.map(s => `${s.invoker || s.sourceFunctionName} ${Math.round(s.duration)} ms`).join(', ') || `render ${Math.round(e.duration - (e.renderStart ? e.renderStart - e.startTime : 0))} ms`]); })
                .observe({ type: 'long-animation-frame', buffered: true });
        } catch (e) { }
        """;

    private const string DrawsScript = """
        w => Object.entries(performance.getEntriesByType('measure').filter(m => m.name.startsWith('chart ') && m.startTime >= w[0] && m.startTime <= w[1])
            .reduce((a, m) => { (a[m.name] ??= []).push(m.duration); return a; }, {}))
            .map(([name, d]) => `${name}: ${d.length} draws, mean ${Math.round(d.reduce((x, y) => x + y, 0) / d.length)} ms, max ${Math.round(Math.max(...d))} ms`)
        """;

    public static async Task<int> RunAsync(string connectionString, Uri app, double visitorsPerMinute, double historyHours, int seconds, int warmup,
        string[] ranges, string chromium, string? trace = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(dataSource).Options;
        var store = new CampaignStore(new Factory(options), TimeProvider.System);
        var org = await store.EnsureOrganisationAsync("bench-browser", "Browser benchmark");
        var (email, password) = await LiveAlertBench.CreateCreatorAsync(connectionString, org);
        var history = TimeSpan.FromHours(historyHours);
        var launch = DateTimeOffset.UtcNow - history;
        var campaign = await store.CreateCampaignAsync(org, "browser-" + Guid.NewGuid().ToString("N")[..6], "Browser bench", "EUR", 250_000m, launch,
            allowedLatenessSeconds: (int)history.TotalSeconds + 900);
        var key = await store.CreateIngestKeyAsync(campaign.Id, "browser bench");
        var traffic = new IncidentTraffic(campaign.Id, launch, visitorsPerMinute, DateTimeOffset.MaxValue, Conditions.Normal, seed: 21);
        using var client = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var sw = Stopwatch.StartNew();
        var past = traffic.TakeDue(DateTimeOffset.UtcNow);
        var failures = 0;
        foreach (var chunk in past.Chunk(1000))
        {
            failures += await LiveAlertBench.PostAsync(client, chunk, CancellationToken.None) ? 0 : 1;
        }
        Console.WriteLine($"history: {past.Count:N0} events ({historyHours:F0} h at {visitorsPerMinute:F0} visitors/min) posted in {sw.Elapsed.TotalSeconds:F0} s, {failures} failed batches");
        await DashboardBench.WaitForPipelineAsync(dataSource);
        Console.WriteLine($"history: processed after {sw.Elapsed.TotalSeconds:F0} s");

        using var stop = new CancellationTokenSource();
        long live = 0;
        var liveTask = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                foreach (var chunk in traffic.TakeDue(DateTimeOffset.UtcNow).Chunk(1000))
                {
                    if (await LiveAlertBench.PostAsync(client, chunk, stop.Token))
                    {
                        Interlocked.Add(ref live, chunk.Length);
                    }
                }
            }
        });

        var cookies = await DashboardBench.SignInAsync(app, email, password);
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await DashboardBench.LaunchChromiumAsync(playwright, chromium);
        var liveWatch = Stopwatch.StartNew();
        foreach (var range in ranges)
        {
            var context = await DashboardBench.SignedInContextAsync(browser, app, cookies);
            await context.AddInitScriptAsync(LongTaskScript);
            var page = await context.NewPageAsync();
            await page.GotoAsync($"campaigns/{campaign.Id}" + (range == "live" ? "" : "?range=" + range));
            await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 120_000 });
            await page.Locator("#campaign-revenue[data-chart-ready='true']").WaitForAsync(new() { Timeout = 120_000 });
            await Task.Delay(TimeSpan.FromSeconds(warmup));

            var cdp = await context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Performance.enable");
            var before = await MetricsAsync(cdp);
            var loadBefore = LoadAverage();
            var longBefore = await page.EvaluateAsync<double>("performance.now()");
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var after = await MetricsAsync(cdp);
            var wall = clock.Elapsed.TotalSeconds;
            var tasks = await page.EvaluateAsync<double[][]?>("since => window.__longTasks && window.__longTasks.filter(t => t[0] >= since)", longBefore);
            var updated = await page.Locator("[data-testid=updated-at]").TextContentAsync();
            string Share(string name) => ((after[name] - before[name]) / wall).ToString("P1", CultureInfo.InvariantCulture);
            var longTasks = tasks ?? [];
            Console.WriteLine($"browser range={range} window_s={wall:F0} main_thread_busy={Share("TaskDuration")} script={Share("ScriptDuration")} " +
                $"layout={Share("LayoutDuration")} style={Share("RecalcStyleDuration")} " +
                $"long_tasks={(tasks is null ? "n/a" : longTasks.Length.ToString(CultureInfo.InvariantCulture))} " +
                $"long_task_max_ms={(longTasks.Length == 0 ? 0 : longTasks.Max(t => t[1])):F0} long_task_total_ms={longTasks.Sum(t => t[1]):F0} " +
                $"nodes={after.GetValueOrDefault("Nodes"):F0} js_heap_mib={after.GetValueOrDefault("JSHeapUsedSize") / 1048576:F1} " +
                $"load_avg_1m={loadBefore}→{LoadAverage()} last_update=\"{updated}\"");
            if (trace is not null)
            {
                // A Chromium trace of 10 s more (not part of the figures above), for finding what the main thread does.
                var path = $"{trace}-{range}.json";
                var events = new List<JsonElement>();
                var complete = new TaskCompletionSource();
                cdp.Event("Tracing.dataCollected").OnEvent += (_, e) =>
                {
                    if (e is { } data)
                    {
                        events.AddRange(data.GetProperty("value").EnumerateArray().Select(v => v.Clone()));
                    }
                };
                cdp.Event("Tracing.tracingComplete").OnEvent += (_, _) => complete.TrySetResult();
                await page.EvaluateAsync("() => { globalThis.csChartTiming = true; }");
                await cdp.SendAsync("Tracing.start", new Dictionary<string, object>
                {
                    ["categories"] = "devtools.timeline,v8.execute,disabled-by-default-devtools.timeline,blink.user_timing",
                    ["transferMode"] = "ReportEvents",
                });
                await Task.Delay(TimeSpan.FromSeconds(10));
                await cdp.SendAsync("Tracing.end");
                await complete.Task.WaitAsync(TimeSpan.FromSeconds(60));
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { traceEvents = events }));
                Console.WriteLine($"trace: {path} ({events.Count} events)");
            }
            // Frames over 150 ms within the measured window, with the scripts behind them.
            var frames = await page.EvaluateAsync<JsonElement>("w => window.__frames.filter(f => f[0] >= w[0] && f[0] <= w[1])", new[] { longBefore, longBefore + wall * 1000 });
            foreach (var frame in frames.EnumerateArray())
            {
                Console.WriteLine($"  long frame {frame[1].GetDouble():F0} ms at {frame[0].GetDouble() / 1000:F1} s: {frame[2].GetString()}");
            }
            var draws = await page.EvaluateAsync<JsonElement>(DrawsScript, new[] { longBefore, longBefore + wall * 1000 });
            foreach (var draw in draws.EnumerateArray())
            {
                Console.WriteLine($"  {draw.GetString()}");
            }
            await context.CloseAsync();
        }
        await stop.CancelAsync();
        await liveTask.ContinueWith(_ => { });
        Console.WriteLine($"live traffic: {Interlocked.Read(ref live):N0} events posted over {liveWatch.Elapsed.TotalSeconds:F0} s ({Interlocked.Read(ref live) / liveWatch.Elapsed.TotalSeconds:F0} ev/s)");
        return 0;
    }

    /// <summary>The machine's 1-minute load average: the two cores are shared, and a busy machine stretches every task.</summary>
    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static async Task<Dictionary<string, double>> MetricsAsync(Microsoft.Playwright.ICDPSession cdp)
    {
        var result = await cdp.SendAsync("Performance.getMetrics") ?? throw new InvalidOperationException("no metrics");
        return result.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
    }
}
