using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

/// <summary>
/// One tenant's explorer abuse against everyone's ingestion: a paced ingest probe (another campaign, the way a
/// campaign page sends events) measured alone, then while one account keeps many heavy ad-hoc queries over a million
/// raw events in flight. Prints the probe's latency in both phases and what the abuser got (answers, refusals).
/// Run it with the explorer's limits and with them lifted (scripts/bench-abuse.sh).
/// </summary>
static class AbuseBench
{
    public static async Task RunAsync(string connectionString, Uri app, string email, string password, int events, int seconds, int rate, int parallel)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(dataSource).Options;
        var store = new CampaignStore(new Factory(options), TimeProvider.System);
        var org = await store.EnsureOrganisationAsync("bench", "Benchmarks");
        var now = DateTimeOffset.UtcNow;
        var (target, probe, probeKey) = await CampaignsAsync(dataSource, store, org, events, now);
        Console.WriteLine($"abused campaign: {await CountAsync(dataSource, target):N0} raw events");

        var cookies = await DashboardBench.SignInAsync(app, email, password);
        using var abuser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = app, Timeout = TimeSpan.FromMinutes(5) };
        abuser.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
        // Heavy but ordinary: every event of the launch by hour and source, with distinct customers and a percentile.
        var query = new
        {
            campaigns = new[] { target }, groupBy = new[] { "hour", "source" },
            measures = new[] { "count", "unique_customers", "p90_amount" }, limit = 10_000,
        };
        for (var i = 0; i < 3; i++)
        {
            var alone = Stopwatch.StartNew();
            using var check = await abuser.PostAsJsonAsync("api/v1/query", query);
            Console.WriteLine($"one abuser query alone: {(int)check.StatusCode} in {alone.Elapsed.TotalMilliseconds:F0} ms");
            check.EnsureSuccessStatusCode();
        }

        var baseline = await ProbeAsync(app, probeKey, probe, rate, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"ingest probe alone ({rate} events/s in batches of 25): {DashboardBench.Summary(baseline)}");

        // The abuser keeps `parallel` queries in flight for the whole probe, as a script in a loop would; it waits out
        // a refusal's Retry-After (at least a second) so that 429s are not a flood of their own.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var underAbuse = ProbeAsync(app, probeKey, probe, rate, TimeSpan.FromSeconds(seconds));
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<(string Outcome, double Ms)>();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var t = Stopwatch.StartNew();
                HttpResponseMessage response;
                try
                {
                    response = await abuser.PostAsJsonAsync("api/v1/query", query, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    outcomes.Add(("still running at the end", t.Elapsed.TotalMilliseconds));
                    break;
                }
                outcomes.Add(($"{(int)response.StatusCode}", t.Elapsed.TotalMilliseconds));
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                var refused = response.StatusCode == HttpStatusCode.TooManyRequests;
                response.Dispose();
                if (refused)
                {
                    await Task.WhenAny(Task.Delay(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait, stop.Token));
                }
            }
        }));
        var probed = await underAbuse;
        Console.WriteLine($"abuser: {parallel} queries in flight for {seconds} s: " +
            string.Join(", ", outcomes.GroupBy(s => s.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Key} × {g.Count()}")));
        var answered = outcomes.Where(s => s.Outcome == "200").Select(s => s.Ms).ToList();
        if (answered.Count > 0)
        {
            Console.WriteLine($"abuser's answered queries: {DashboardBench.Summary(answered)}");
        }
        Console.WriteLine($"ingest probe under abuse: {DashboardBench.Summary(probed)}");
    }

    private static async Task<(Guid Target, Guid Probe, string ProbeKey)> CampaignsAsync(NpgsqlDataSource dataSource, CampaignStore store, Guid org,
        int events, DateTimeOffset now)
    {
        Guid target;
        await using (var find = dataSource.CreateCommand("SELECT id FROM campaigns WHERE slug = 'abuse-target'"))
        {
            target = await find.ExecuteScalarAsync() is Guid id ? id : Guid.Empty;
        }
        if (target == Guid.Empty)
        {
            target = (await store.CreateCampaignAsync(org, "abuse-target", "Abused launch", "EUR", 5_000_000m, now.AddDays(-2))).Id;
            int partitions;
            await using (var cmd = dataSource.CreateCommand("SELECT count(*)::int FROM log_partitions"))
            {
                partitions = (int)(await cmd.ExecuteScalarAsync())!;
            }
            var sw = Stopwatch.StartNew();
            await PipelineBench.AppendLaunchAsync(new EventLogWriter(dataSource, partitions, TimeProvider.System), target, events, now.AddDays(-2),
                TimeSpan.FromDays(2), seed: 5);
            Console.WriteLine($"seed: {events:N0} events appended in {sw.Elapsed.TotalSeconds:F0} s; waiting for the app's pipeline");
            await DashboardBench.WaitForPipelineAsync(dataSource);
            Console.WriteLine($"seed: processed after {sw.Elapsed.TotalSeconds:F0} s");
            await using var analyze = dataSource.CreateCommand("VACUUM (ANALYZE) event_log");
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync();
        }
        var probe = await store.CreateCampaignAsync(org, "abuse-probe-" + Guid.NewGuid().ToString("N")[..6], "Neighbour", "EUR", 10_000m, now.AddHours(-1));
        return (target, probe.Id, await store.CreateIngestKeyAsync(probe.Id, "bench"));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, Guid campaign)
    {
        await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM event_log WHERE campaign_id = @c");
        cmd.Parameters.AddWithValue("c", campaign);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Paced senders, a batch of 25 every (25 / rate × senders) s each, latencies of every request, for
    /// <paramref name="duration"/>.
    /// </summary>
    private static async Task<List<double>> ProbeAsync(Uri app, string key, Guid campaign, int rate, TimeSpan duration)
    {
        const int Batch = 25;
        const int Senders = 4;
        var interval = TimeSpan.FromSeconds((double)Batch * Senders / rate);
        using var client = new HttpClient { BaseAddress = app };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(async s =>
        {
            var bodies = new IngestBodies(campaign, Batch, seed: 100 + s);
            for (var tick = 1L; clock.Elapsed < duration; tick++)
            {
                var due = interval * tick + interval * s / Senders - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
                using var content = IngestBodies.Content(bodies.Next());
                var t = Stopwatch.StartNew();
                using var response = await client.PostAsync("api/v1/events", content);
                latencies.Add(t.Elapsed.TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}");
                }
            }
        }));
        return [.. latencies];
    }
}
