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
/// campaign page sends events) measured alone, then while one account fires heavy ad-hoc queries over millions of
/// raw events, many at a time, ignoring Retry-After. Prints the probe's latency in both phases and what the abuser
/// got (answers, refusals). Run it with the explorer's limits and with them lifted (scripts/bench-abuse.sh).
/// </summary>
static class AbuseBench
{
    public static async Task RunAsync(string connectionString, Uri app, string email, string password, int events, int seconds, int rate,
        int queries, int parallel)
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
        using (var check = await abuser.PostAsJsonAsync("api/v1/query", query))
        {
            Console.WriteLine($"one abuser query alone: {(int)check.StatusCode}");
            check.EnsureSuccessStatusCode();
        }

        var baseline = await ProbeAsync(app, probeKey, probe, rate, TimeSpan.FromSeconds(seconds), CancellationToken.None);
        Console.WriteLine($"ingest probe alone ({rate} events/s in batches of 25): {DashboardBench.Summary(baseline)}");

        using var stop = new CancellationTokenSource();
        var underAbuse = ProbeAsync(app, probeKey, probe, rate, TimeSpan.FromSeconds(seconds), stop.Token);
        var statuses = new System.Collections.Concurrent.ConcurrentBag<(HttpStatusCode Status, double Ms)>();
        var issued = 0;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            while (Interlocked.Increment(ref issued) <= queries)
            {
                var t = Stopwatch.StartNew();
                using var response = await abuser.PostAsJsonAsync("api/v1/query", query);
                statuses.Add((response.StatusCode, t.Elapsed.TotalMilliseconds));
            }
        }));
        var abuseSeconds = sw.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        var probed = await underAbuse;
        Console.WriteLine($"abuser: {queries} queries, {parallel} at a time, in {abuseSeconds:F1} s: " +
            string.Join(", ", statuses.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{(int)g.Key} × {g.Count()}")));
        var answered = statuses.Where(s => s.Status == HttpStatusCode.OK).Select(s => s.Ms).ToList();
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
    /// Paced senders, a batch of 25 every (25 / rate × senders) s each, latencies of every request. Runs at least
    /// <paramref name="duration"/>, and on until <paramref name="stop"/> is cancelled when one is given.
    /// </summary>
    private static async Task<List<double>> ProbeAsync(Uri app, string key, Guid campaign, int rate, TimeSpan duration, CancellationToken stop)
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
            for (var tick = 1L; clock.Elapsed < duration || (stop.CanBeCanceled && !stop.IsCancellationRequested); tick++)
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
