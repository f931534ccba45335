using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

/// <summary>
/// The alert delay a creator sees, end to end (issue 19, item 6), against the running app (scripts/bench-alerts.sh
/// --live starts it, with its pipeline and alert monitor, on the real clock). Per run: a fresh campaign; its history
/// replayed through the ingest API (mid-campaign: launched 2.5 h ago, so it has an own baseline; launch hour: launched
/// minutes ago); then demo-like visitors (<see cref="IncidentTraffic"/>, the demo funnel) posted in real time, a batch
/// a second; the creator's campaign page open in Chromium; at a known wall-clock onset the journeys switch to the
/// suite's checkout outage (60 % of checkouts break). Measured from the onset: the alert row appearing in the database
/// (what the API serves; polled every 250 ms), the banner's alert item appearing in the browser (a MutationObserver's
/// clock), and the row's opened_at (the end of the window the monitor judged: data time, which trails the wall clock
/// by the monitor's lateness, 2 s, capped at the pipeline's watermark). No detection within the timeout is a miss.
/// </summary>
static class LiveAlertBench
{
    private static readonly Conditions Outage = new(CheckoutBreakage: 0.6);

    public static async Task<int> RunAsync(string connectionString, Uri app, int runs, double visitorsPerMinute, string variant, int timeoutMinutes,
        int leadSeconds, string chromium)
    {
        var history = variant switch
        {
            "mid" => TimeSpan.FromMinutes(150),
            "launch" => TimeSpan.FromMinutes(5),
            _ => throw new ArgumentException("--variant is mid or launch"),
        };
        // Visitors who arrived before the onset was fixed reach checkout at most 110 s later, judged as before it.
        leadSeconds = Math.Max(leadSeconds, 120);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(dataSource).Options;
        var store = new CampaignStore(new Factory(options), TimeProvider.System);
        var org = await store.EnsureOrganisationAsync("bench-live-alerts", "Live alert benchmark");
        var (email, password) = await CreateCreatorAsync(connectionString, org);
        var cookies = await DashboardBench.SignInAsync(app, email, password);
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await DashboardBench.LaunchChromiumAsync(playwright, chromium);
        var context = await DashboardBench.SignedInContextAsync(browser, app, cookies);
        Console.WriteLine($"live alert bench: variant={variant} (launched {history.TotalMinutes:F0} min before the live traffic), {visitorsPerMinute:F0} visitors/min, " +
            $"checkout outage (breakage {Outage.CheckoutBreakage:P0}) {leadSeconds} s after the history is posted, timeout {timeoutMinutes} min, signed in as creator {email}");

        var total = Stopwatch.StartNew();
        var results = new List<RunResult>();
        for (var run = 1; run <= runs; run++)
        {
            var result = await RunOnceAsync(dataSource, store, org, app, context, run, visitorsPerMinute, history, leadSeconds, TimeSpan.FromMinutes(timeoutMinutes));
            results.Add(result);
            Console.WriteLine(result.Line(run, variant, visitorsPerMinute, timeoutMinutes));
        }
        await context.CloseAsync();

        Console.WriteLine($"live_alert_summary variant={variant} visitors_per_min={visitorsPerMinute:F0} runs={runs} " +
            $"detected_server={results.Count(r => r.Server is not null)} detected_browser={results.Count(r => r.Browser is not null)} " +
            $"window_p50_s={P(results, r => r.Window, 0.5, timeoutMinutes)} server_p50_s={P(results, r => r.Server, 0.5, timeoutMinutes)} server_p90_s={P(results, r => r.Server, 0.9, timeoutMinutes)} " +
            $"browser_p50_s={P(results, r => r.Browser, 0.5, timeoutMinutes)} browser_p90_s={P(results, r => r.Browser, 0.9, timeoutMinutes)} " +
            $"server_to_browser_p50_s={P(results, r => r.Browser - r.Server, 0.5, timeoutMinutes)} " +
            $"detectors={string.Join(",", results.Where(r => r.Detector is not null).GroupBy(r => r.Detector).Select(g => $"{g.Key}x{g.Count()}"))} " +
            $"false_before_onset={results.Sum(r => r.BeforeOnset.Count)} total_minutes={total.Elapsed.TotalMinutes:F1}");
        return 0;
    }

    private sealed record RunResult(double? Window, double? Server, double? Browser, string? Detector, string? BrowserDetector, string? Message, List<string> BeforeOnset,
        int HistoryEvents, double HistorySeconds, long LiveEvents, int IngestFailures)
    {
        public string Line(int run, string variant, double visitorsPerMinute, int timeoutMinutes) =>
            $"live_alert run={run} variant={variant} visitors_per_min={visitorsPerMinute:F0} " +
            (Server is { } s ? $"window_s={Window:F1} server_s={s:F1} " : $"server=not_detected_within_{timeoutMinutes}_min ") +
            (Browser is { } b ? $"browser_s={b:F1} " : $"browser=not_detected_within_{timeoutMinutes}_min ") +
            $"detector={Detector ?? "-"} banner_detector={BrowserDetector ?? "-"} history_events={HistoryEvents} history_post_s={HistorySeconds:F1} " +
            $"live_events={LiveEvents} ingest_failures={IngestFailures}" +
            (BeforeOnset.Count > 0 ? $" alerts_before_onset={string.Join(",", BeforeOnset)}" : "") +
            (Message is null ? "" : $" message=\"{Message}\"");
    }

    private static async Task<RunResult> RunOnceAsync(NpgsqlDataSource dataSource, CampaignStore store, Guid org, Uri app,
        Microsoft.Playwright.IBrowserContext context, int run, double visitorsPerMinute, TimeSpan history, int leadSeconds, TimeSpan timeout)
    {
        var now = DateTimeOffset.UtcNow;
        var launch = now - history;
        // Lateness covers the replayed history, so it counts as live (as in the alert tests).
        var campaign = await store.CreateCampaignAsync(org, $"live-alert-{run}-" + Guid.NewGuid().ToString("N")[..6], $"Live alert run {run}", "EUR", 50_000m, launch,
            allowedLatenessSeconds: (int)history.TotalSeconds + 900);
        var key = await store.CreateIngestKeyAsync(campaign.Id, "live alert bench");
        var traffic = new IncidentTraffic(campaign.Id, launch, visitorsPerMinute, DateTimeOffset.MaxValue, Outage, seed: 1000 + run);
        using var client = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var failures = 0;

        // History, as fast as the API takes it (batches of 1,000).
        var sw = Stopwatch.StartNew();
        var past = traffic.TakeDue(DateTimeOffset.UtcNow);
        foreach (var chunk in past.Chunk(1000))
        {
            failures += await PostAsync(client, chunk, CancellationToken.None) ? 0 : 1;
        }
        var historySeconds = sw.Elapsed.TotalSeconds;
        var onset = DateTimeOffset.UtcNow.AddSeconds(leadSeconds);
        traffic.Onset = onset;

        // Live traffic: a batch a second, as the demo's pages send it, until the run ends.
        using var stop = new CancellationTokenSource();
        long live = 0;
        var liveTask = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                var due = traffic.TakeDue(DateTimeOffset.UtcNow);
                foreach (var chunk in due.Chunk(1000))
                {
                    if (await PostAsync(client, chunk, stop.Token))
                    {
                        Interlocked.Add(ref live, chunk.Length);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        });

        var page = await context.NewPageAsync();
        await page.GotoAsync($"campaigns/{campaign.Id}");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 120_000 });
        // The history folded into the metrics before the onset, if the pipeline gets there (it is not waited for beyond it).
        await Task.WhenAny(DashboardBench.WaitForPipelineAsync(dataSource), Task.Delay(onset - DateTimeOffset.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero));
        var wait = onset - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        else
        {
            Console.WriteLine($"note: run {run} reached the onset {-wait.TotalSeconds:F0} s late (page or pipeline slow); measured from the planned onset");
        }

        // From the onset: a banner item of a detector not already shown, and an alert row opened since the onset.
        var shown = await page.Locator("[data-testid=alert-banner] [data-testid=alert-item]").EvaluateAllAsync<string[]>(
            "items => items.map(i => i.getAttribute('data-detector'))");
        await page.EvaluateAsync(WatchBannerScript, shown);
        var deadline = onset + timeout;
        var serverTask = WaitForAlertRowAsync(dataSource, campaign.Id, onset, deadline);
        var browserTask = WaitForBannerAsync(page, deadline);
        await Task.WhenAll(serverTask, browserTask);
        var (rowAt, openedAt, detector, message) = await serverTask;
        var (seenAt, bannerDetector) = await browserTask;

        await stop.CancelAsync();
        await liveTask.ContinueWith(_ => { });
        var beforeOnset = await AlertsBeforeOnsetAsync(dataSource, campaign.Id, onset);
        await page.CloseAsync();
        // The campaign ends: the monitor stops watching it (its traffic stops here) and resolves what is open.
        await using (var end = dataSource.CreateCommand("UPDATE campaigns SET end_at = now() WHERE id = $1"))
        {
            end.Parameters.Add(new NpgsqlParameter { Value = campaign.Id });
            await end.ExecuteNonQueryAsync();
        }
        return new RunResult((openedAt - onset)?.TotalSeconds, (rowAt - onset)?.TotalSeconds, (seenAt - onset)?.TotalSeconds, detector, bannerDetector, message, beforeOnset,
            past.Count, historySeconds, Interlocked.Read(ref live), failures);
    }

    internal static async Task<bool> PostAsync(HttpClient client, EventRecord[] events, CancellationToken ct)
    {
        try
        {
            using var response = await client.PostAsync("api/v1/events", JsonContent.Create(events.Select(IngestPayload.Of)), ct);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return true;
            }
            Console.WriteLine($"note: ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
        catch (HttpRequestException ex)
        {
            Console.WriteLine($"note: ingest failed: {ex.Message}");
        }
        return false;
    }

    /// <summary>Records (browser clock, same machine) the first banner item whose detector was not shown at the onset.</summary>
    private const string WatchBannerScript = """
        shown => {
            const known = new Set(shown);
            window.__liveAlert = null;
            const check = () => {
                if (window.__liveAlert) return;
                for (const item of document.querySelectorAll('[data-testid=alert-banner] [data-testid=alert-item]')) {
                    const detector = item.getAttribute('data-detector');
                    if (!known.has(detector)) {
                        window.__liveAlert = { at: Date.now(), detector };
                        observer.disconnect();
                        return;
                    }
                }
            };
            const observer = new MutationObserver(check);
            observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-detector'] });
            check();
        }
        """;

    private static async Task<(DateTimeOffset? At, string? Detector)> WaitForBannerAsync(Microsoft.Playwright.IPage page, DateTimeOffset deadline)
    {
        try
        {
            await page.WaitForFunctionAsync("() => window.__liveAlert !== null", null,
                new() { Timeout = (float)Math.Max(1000, (deadline - DateTimeOffset.UtcNow).TotalMilliseconds), PollingInterval = 500 });
        }
        catch (TimeoutException)
        {
            return (null, null);
        }
        var seen = await page.EvaluateAsync<JsonElement>("() => window.__liveAlert");
        return (DateTimeOffset.FromUnixTimeMilliseconds(seen.GetProperty("at").GetInt64()), seen.GetProperty("detector").GetString());
    }

    /// <summary>When (wall clock) an alert opened since the onset first shows in the database, and its opened_at (data time).</summary>
    private static async Task<(DateTimeOffset? RowAt, DateTimeOffset? OpenedAt, string? Detector, string? Message)> WaitForAlertRowAsync(NpgsqlDataSource dataSource, Guid campaign,
        DateTimeOffset onset, DateTimeOffset deadline)
    {
        while (DateTimeOffset.UtcNow < deadline)
        {
            await using var cmd = dataSource.CreateCommand(
                "SELECT opened_at, detector, message FROM alerts WHERE campaign_id = $1 AND opened_at >= $2 ORDER BY opened_at LIMIT 1");
            cmd.Parameters.Add(new NpgsqlParameter { Value = campaign });
            cmd.Parameters.Add(new NpgsqlParameter { Value = onset.UtcDateTime });
            await using var reader = await cmd.ExecuteReaderAsync();
            if (await reader.ReadAsync())
            {
                return (DateTimeOffset.UtcNow, new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero), reader.GetString(1), reader.GetString(2));
            }
            await reader.DisposeAsync();
            await Task.Delay(250);
        }
        return (null, null, null, null);
    }

    private static async Task<List<string>> AlertsBeforeOnsetAsync(NpgsqlDataSource dataSource, Guid campaign, DateTimeOffset onset)
    {
        await using var cmd = dataSource.CreateCommand("SELECT detector FROM alerts WHERE campaign_id = $1 AND opened_at < $2 ORDER BY opened_at");
        cmd.Parameters.Add(new NpgsqlParameter { Value = campaign });
        cmd.Parameters.Add(new NpgsqlParameter { Value = onset.UtcDateTime });
        var detectors = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            detectors.Add(reader.GetString(0));
        }
        return detectors;
    }

    /// <summary>
    /// A creator of <paramref name="organisation"/>, made the way the admin pages make one (<see cref="AccountAdmin"/>, with the
    /// app's Identity settings) in a host that is built but never started.
    /// </summary>
    internal static async Task<(string Email, string Password)> CreateCreatorAsync(string connectionString, Guid organisation)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["ConnectionStrings:" + PipelineExtensions.ConnectionStringName] = connectionString;
        builder.Logging.ClearProviders();
        builder.AddPipeline();
        builder.AddDashboardSecurity();
        await using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var email = $"live-alert-{Guid.NewGuid().ToString("N")[..10]}@bench.test";
        var password = "live-alert-bench-" + Guid.NewGuid().ToString("N")[..10];
        var (user, errors) = await scope.ServiceProvider.GetRequiredService<AccountAdmin>()
            .CreateAsync(Actor.System, email, "Live alert bench creator", password, Roles.Creator, organisation);
        return user is null ? throw new InvalidOperationException("creating the creator failed: " + string.Join("; ", errors)) : (email, password);
    }

    /// <summary>Nearest-rank percentile in seconds over all runs, a miss counting as slower than any detection.</summary>
    private static string P(List<RunResult> results, Func<RunResult, double?> value, double q, int timeoutMinutes)
    {
        var sorted = results.Select(r => value(r) ?? double.PositiveInfinity).Order().ToList();
        var p = sorted.Count == 0 ? double.PositiveInfinity : DashboardBench.Percentile(sorted, q);
        return double.IsPositiveInfinity(p) ? $">{timeoutMinutes * 60}" : p.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }
}
