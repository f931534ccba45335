// Ingest baseline benchmark. Modes:
//   setup --db CS                                   create a campaign + ingest key, print "campaignId key"
//   http  --url U --key K --campaign C [--seconds 20] [--concurrency 4] [--batch 500]
//   copy  --db CS --campaign C --events N [--batch 5000]
//   spike --url U --key K --campaign C --app-pid PID [--rate 2000] [--multiplier 10] [--before 30] [--burst 60] [--after 300]
//                                                   steady load, a 10x burst, steady again: memory, refusals, lag, recovery
//   naive --db CS --campaign C [--seconds 10] [--concurrency 4]   one INSERT + commit per event (a simple collector)
//   explore --db CS [--events 10000000] [--runs 20] [--load true] [--parallel-workers 0]
//                                                   10 typical ad-hoc queries over N raw events, p50/p95 + EXPLAIN
//   fanout --db CS --url U --email E --password P --app-pid PID [--subscribers 1000] [--probes 30] [--rate 0]
//                                                   N hub subscribers on one campaign: push latency, app memory
//   outage --db CS --url U --key K --campaign C [--seconds 60]   load through a PostgreSQL stop/start (scripts/fault-db-outage.sh)
//   privacy --db CS [--events 1000000]             validator + PII scan throughput, access-check latency, retention sweep
//   abuse --db CS --url U --email E --password P [--events 1000000] [--seconds 60] [--rate 1000] [--parallel 50]
//                                                   ingest latency of one campaign while another account floods the explorer
//   dashboard --db CS --url U --email E --password P --app-pid PID [--events 2000000] [--rate 5000] [--seconds 60] [--pages 100]
//                                                   initial load, commit → hub latency under load, memory per open page
// `http` is the load generator (its own process, loopback); `copy` is the engine's limit: binary COPY of
// rows of the same shape into the same event_log table, with no HTTP, validation or dedupe.
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

var mode = args.FirstOrDefault() ?? "";
string Arg(string name, string? fallback = null) =>
    args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback ?? throw new ArgumentException($"--{name} is required");

switch (mode)
{
    case "setup":
        await Setup(Arg("db"));
        break;
    case "http":
        await Http(new Uri(Arg("url")), Arg("key"), Guid.Parse(Arg("campaign")), int.Parse(Arg("seconds", "20")),
            int.Parse(Arg("concurrency", "4")), int.Parse(Arg("batch", "500")));
        break;
    case "spike":
        await SpikeBench.RunAsync(new Uri(Arg("url")), Arg("key"), Guid.Parse(Arg("campaign")), int.Parse(Arg("app-pid")),
            int.Parse(Arg("rate", "2000")), int.Parse(Arg("multiplier", "10")), int.Parse(Arg("before", "30")), int.Parse(Arg("burst", "60")),
            int.Parse(Arg("after", "300")), int.Parse(Arg("batch", "100")), int.Parse(Arg("workers", "48")));
        break;
    case "naive":
        await Naive(Arg("db"), Guid.Parse(Arg("campaign")), int.Parse(Arg("seconds", "10")), int.Parse(Arg("concurrency", "4")),
            int.Parse(Arg("partitions", "8")));
        break;
    case "copy":
        await Copy(Arg("db"), Guid.Parse(Arg("campaign")), int.Parse(Arg("events")), int.Parse(Arg("batch", "5000")),
            int.Parse(Arg("partitions", "8")), Arg("bare", "false") == "true");
        break;
    case "pipeline":
        await PipelineBench.RunAsync(Arg("db"), int.Parse(Arg("events", "1000000")), int.Parse(Arg("rate", "5000")),
            int.Parse(Arg("seconds", "30")), int.Parse(Arg("partitions", "8")));
        break;
    case "alerts":
    {
        var sw = Stopwatch.StartNew();
        var report = Crowdstart.Tests.Alerts.Scenarios.ScenarioSuite.Run(int.Parse(Arg("seeds", "5")), double.Parse(Arg("hours", "24"), System.Globalization.CultureInfo.InvariantCulture));
        Console.Write(report.ToTable());
        foreach (var line in report.Misses.Take(20)) Console.WriteLine("miss: " + line);
        foreach (var line in report.FalseAlertSamples) Console.WriteLine("false: " + line);
        Console.WriteLine($"suite_seconds={sw.Elapsed.TotalSeconds:F1}");
        Console.WriteLine("50 % silent checkout conversion drop, delay by volume:");
        foreach (var (preset, settings) in new[] { ("normal", Crowdstart.Pipeline.Alerts.DetectorSettings.Default), ("sensitive", Crowdstart.Pipeline.Alerts.DetectorSettings.Sensitive) })
        {
            foreach (var row in Crowdstart.Tests.Alerts.Scenarios.ScenarioSuite.ConversionDropDelayByVolume(int.Parse(Arg("seeds", "5")), [20, 60, 200, 600, 2000], settings))
            {
                Console.WriteLine($"  {preset,-9} {row.Detector,-32} recall {row.Recall:0.00}  p50 {row.DelayP50Seconds:0} s  p90 {row.DelayP90Seconds:0} s");
            }
        }
        var sensitive = Crowdstart.Tests.Alerts.Scenarios.ScenarioSuite.Run(int.Parse(Arg("seeds", "5")), double.Parse(Arg("hours", "24"), System.Globalization.CultureInfo.InvariantCulture), Crowdstart.Pipeline.Alerts.DetectorSettings.Sensitive);
        Console.WriteLine($"sensitive preset: false alerts {sensitive.FalseAlertsPer24h:0.00} per 24 h; recall {string.Join(", ", sensitive.Scenarios.Select(x => $"{x.Detector} {x.Recall:0.00} (p50 {x.DelayP50Seconds:0} s)"))}");
        break;
    }
    case "dashboard":
        await DashboardBench.RunAsync(Arg("db"), new Uri(Arg("url")), Arg("email"), Arg("password"), int.Parse(Arg("events", "2000000")),
            int.Parse(Arg("rate", "5000")), int.Parse(Arg("seconds", "60")), int.Parse(Arg("pages", "100")), int.Parse(Arg("app-pid")),
            Arg("chromium", "/usr/bin/chromium"));
        break;
    case "explore":
        await ExploreBench.RunAsync(Arg("db"), int.Parse(Arg("events", "10000000")), int.Parse(Arg("runs", "20")), Arg("load", "false") == "true",
            int.Parse(Arg("parallel-workers", "0")));
        break;
    case "fanout":
        await FanoutBench.RunAsync(Arg("db"), new Uri(Arg("url")), Arg("email"), Arg("password"), int.Parse(Arg("app-pid")),
            int.Parse(Arg("subscribers", "1000")), int.Parse(Arg("probes", "30")), int.Parse(Arg("rate", "0")));
        break;
    case "outage":
        return await OutageBench.RunAsync(Arg("db"), new Uri(Arg("url")), Arg("key"), Guid.Parse(Arg("campaign")), int.Parse(Arg("seconds", "60")));
    case "abuse":
        await AbuseBench.RunAsync(Arg("db"), new Uri(Arg("url")), Arg("email"), Arg("password"), int.Parse(Arg("events", "1000000")),
            int.Parse(Arg("seconds", "60")), int.Parse(Arg("rate", "1000")), int.Parse(Arg("parallel", "50")));
        break;
    case "privacy":
        await PrivacyBench.RunAsync(Arg("db"), int.Parse(Arg("events", "1000000")), int.Parse(Arg("partitions", "8")));
        break;
    default:
        Console.Error.WriteLine("usage: Crowdstart.Bench setup|http|copy|pipeline|privacy ... (see scripts/bench-*.sh)");
        return 2;
}
return 0;

static async Task Setup(string connectionString)
{
    var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(connectionString).Options;
    var store = new CampaignStore(new Factory(options), TimeProvider.System);
    var campaign = await store.CreateCampaignAsync(await store.EnsureOrganisationAsync("bench", "Benchmarks"), "bench-" + Guid.NewGuid().ToString("N")[..8], "Benchmark campaign", "EUR", 1_000_000m, DateTimeOffset.UtcNow);
    Console.WriteLine($"{campaign.Id} {await store.CreateIngestKeyAsync(campaign.Id, "bench")}");
}

static async Task Http(Uri url, string key, Guid campaign, int seconds, int concurrency, int batch)
{
    using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = url };
    var bodies = Enumerable.Range(0, concurrency).Select(w => new IngestBodies(campaign, batch, seed: w)).ToArray();
    var deadline = Stopwatch.StartNew();
    long accepted = 0, requests = 0, retries = 0;
    var latencies = new List<double>[concurrency];
    async Task Worker(int w)
    {
        latencies[w] = [];
        while (deadline.Elapsed.TotalSeconds < seconds)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events") { Content = IngestBodies.Content(bodies[w].Next()) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var sw = Stopwatch.StartNew();
            using var response = await client.SendAsync(request);
            latencies[w].Add(sw.Elapsed.TotalMilliseconds);
            Interlocked.Increment(ref requests);
            if ((int)response.StatusCode == 202)
            {
                var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Interlocked.Add(ref accepted, doc.RootElement.GetProperty("accepted").GetInt32());
            }
            else if ((int)response.StatusCode is 503 or 429)
            {
                Interlocked.Increment(ref retries);
                await Task.Delay(TimeSpan.FromSeconds(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 1));
            }
            else
            {
                throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w))));
    var elapsed = deadline.Elapsed.TotalSeconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    Console.WriteLine($"http_batch={batch} http_events={accepted} http_seconds={elapsed:F2} http_events_per_s={accepted / elapsed:F0} requests={requests} retries_503={retries} " +
        $"p50_ms={all[all.Length / 2]:F1} p99_ms={all[(int)(all.Length * 0.99)]:F1}");
}

// The naive collector: one INSERT (and so one durable commit) per event, as a simple web-analytics server
// does, from `concurrency` connections, into the same table with the same rows.
static async Task Naive(string connectionString, Guid campaign, int seconds, int concurrency, int partitions)
{
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    var next = await NextOffsetsAsync(dataSource, partitions);
    var sw = Stopwatch.StartNew();
    long written = 0;
    async Task Worker(int w)
    {
        var random = new Random(100 + w);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO event_log (partition, \"offset\", event_id, campaign_id, customer_id, session_id, type, occurred_at, received_at, source, properties) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)", connection);
        foreach (var type in new[] { NpgsqlDbType.Integer, NpgsqlDbType.Bigint, NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Text,
                     NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text, NpgsqlDbType.Text })
        {
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
        }
        await insert.PrepareAsync();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            var customer = $"c-{random.Next(200_000)}";
            var p = Partitioner.PartitionFor(customer, partitions);
            var now = DateTimeOffset.UtcNow;
            insert.Parameters[0].Value = p;
            insert.Parameters[1].Value = Interlocked.Increment(ref next[p]) - 1;
            insert.Parameters[2].Value = Guid.NewGuid();
            insert.Parameters[3].Value = campaign;
            insert.Parameters[4].Value = customer;
            insert.Parameters[5].Value = $"s-{random.Next(1_000_000)}";
            insert.Parameters[6].Value = EventTypes.All[random.Next(5)];
            insert.Parameters[7].Value = now;
            insert.Parameters[8].Value = now;
            insert.Parameters[9].Value = "social:reddit";
            insert.Parameters[10].Value = """{"reward": "early_bird"}""";
            await insert.ExecuteNonQueryAsync();
            Interlocked.Increment(ref written);
        }
    }
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w))));
    var elapsed = sw.Elapsed.TotalSeconds;
    await SaveNextOffsetsAsync(dataSource, next);
    Console.WriteLine($"naive_events={written} naive_seconds={elapsed:F2} naive_events_per_s={written / elapsed:F0}");
}

// The bench writers bypass the app's writer, so they hand out offsets themselves from the partitions' counters and
// store the counters afterwards (the log stays consistent for the pipeline).
static async Task<long[]> NextOffsetsAsync(NpgsqlDataSource dataSource, int partitions)
{
    var next = new long[partitions];
    await using var cmd = dataSource.CreateCommand("SELECT partition, next_offset FROM log_partitions");
    await using var r = await cmd.ExecuteReaderAsync();
    while (await r.ReadAsync())
    {
        next[r.GetInt32(0)] = r.GetInt64(1);
    }
    return next;
}

static async Task SaveNextOffsetsAsync(NpgsqlDataSource dataSource, long[] next)
{
    await using var fix = dataSource.CreateCommand("UPDATE log_partitions SET next_offset = v.n FROM unnest(@p, @n) v(p, n) WHERE partition = v.p");
    fix.Parameters.AddWithValue("p", Enumerable.Range(0, next.Length).ToArray());
    fix.Parameters.AddWithValue("n", next);
    await fix.ExecuteNonQueryAsync();
}

static async Task Copy(string connectionString, Guid campaign, int events, int batch, int partitions, bool bare)
{
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    // --bare: the same rows into a copy of event_log with only its primary key, to show what the secondary
    // indexes (idempotency key, explorer, time and customer look-ups) cost the engine.
    var table = bare ? "bench_event_log_bare" : "event_log";
    if (bare)
    {
        await using var create = dataSource.CreateCommand(
            "DROP TABLE IF EXISTS bench_event_log_bare; CREATE TABLE bench_event_log_bare (LIKE event_log INCLUDING DEFAULTS); " +
            "ALTER TABLE bench_event_log_bare ADD PRIMARY KEY (partition, \"offset\")");
        await create.ExecuteNonQueryAsync();
    }
    var random = new Random(7);
    var next = await NextOffsetsAsync(dataSource, partitions);
    var sw = Stopwatch.StartNew();
    var written = 0;
    while (written < events)
    {
        var n = Math.Min(batch, events - written);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var importer = await connection.BeginBinaryImportAsync(
            $"COPY {table} (partition, \"offset\", event_id, campaign_id, customer_id, session_id, type, occurred_at, received_at, source, amount, currency, properties) FROM STDIN (FORMAT BINARY)"))
        {
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < n; i++)
            {
                var customer = $"c-{random.Next(200_000)}";
                var p = Partitioner.PartitionFor(customer, partitions);
                await importer.StartRowAsync();
                await importer.WriteAsync(p, NpgsqlDbType.Integer);
                await importer.WriteAsync(next[p]++, NpgsqlDbType.Bigint);
                await importer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await importer.WriteAsync(campaign, NpgsqlDbType.Uuid);
                await importer.WriteAsync(customer, NpgsqlDbType.Text);
                await importer.WriteAsync($"s-{random.Next(1_000_000)}", NpgsqlDbType.Text);
                await importer.WriteAsync(EventTypes.All[random.Next(5)], NpgsqlDbType.Text);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync("social:reddit", NpgsqlDbType.Text);
                await importer.WriteNullAsync();
                await importer.WriteNullAsync();
                await importer.WriteAsync("""{"reward": "early_bird"}""", NpgsqlDbType.Jsonb);
            }
            await importer.CompleteAsync();
        }
        await tx.CommitAsync();
        written += n;
    }
    var elapsed = sw.Elapsed.TotalSeconds;
    if (bare)
    {
        await using var drop = dataSource.CreateCommand("DROP TABLE bench_event_log_bare");
        await drop.ExecuteNonQueryAsync();
        Console.WriteLine($"bare_copy_events={written} bare_copy_seconds={elapsed:F2} bare_copy_events_per_s={written / elapsed:F0}");
        return;
    }
    // Keep the log consistent for the pipeline: counters continue after the copied rows.
    await SaveNextOffsetsAsync(dataSource, next);
    Console.WriteLine($"copy_events={written} copy_seconds={elapsed:F2} copy_events_per_s={written / elapsed:F0}");
}

internal sealed class Factory(DbContextOptions<CrowdstartDbContext> options) : IDbContextFactory<CrowdstartDbContext>
{
    public CrowdstartDbContext CreateDbContext() => new(options);
}

/// <summary>
/// Request bodies for the ingest load generator, made cheap to produce so the generator does not steal the
/// server's CPU on a 2-core machine: each worker builds a few templates once (random customers, sessions and
/// types) and per request only writes fresh eventIds and the current time into fixed-width slots.
/// </summary>
internal sealed class IngestBodies
{
    private const string TimeFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    private readonly List<(byte[] Body, int[] Ids, int[] Times)> _templates = [];
    private int _next;

    public IngestBodies(Guid campaign, int batch, int seed, int templates = 8)
    {
        var random = new Random(seed);
        for (var t = 0; t < templates; t++)
        {
            var stream = new MemoryStream();
            var ids = new List<int>(batch);
            var times = new List<int>(batch);
            using (var writer = new System.Text.Json.Utf8JsonWriter(stream))
            {
                writer.WriteStartArray();
                for (var i = 0; i < batch; i++)
                {
                    writer.WriteStartObject();
                    writer.Flush();
                    ids.Add((int)stream.Length + "\"eventId\":\"".Length);
                    writer.WriteString("eventId", Guid.Empty);
                    writer.WriteString("type", EventTypes.All[random.Next(5)]); // no money events: same row shape as COPY
                    writer.WriteString("campaignId", campaign);
                    writer.WriteString("customerId", $"c-{random.Next(200_000)}");
                    writer.WriteString("sessionId", $"s-{random.Next(1_000_000)}");
                    writer.Flush();
                    times.Add((int)stream.Length + ",\"occurredAt\":\"".Length);
                    writer.WriteString("occurredAt", new string('0', TimeFormat.Length));
                    writer.WriteString("source", "social:reddit");
                    writer.WriteStartObject("properties");
                    writer.WriteString("reward", "early_bird");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            _templates.Add((stream.ToArray(), ids.ToArray(), times.ToArray()));
        }
    }

    /// <summary>A JSON request body for the ingest API.</summary>
    public static ByteArrayContent Content(byte[] body) =>
        new(body) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") } };

    /// <summary>A fresh body: new eventIds, occurredAt = now. The returned array is reused by the next call.</summary>
    public byte[] Next()
    {
        var (body, ids, times) = _templates[_next++ % _templates.Count];
        var span = body.AsSpan();
        foreach (var at in ids)
        {
            Guid.NewGuid().TryFormat(span[at..], out _, "D");
        }
        Span<byte> now = stackalloc byte[TimeFormat.Length];
        DateTime.UtcNow.TryFormat(now, out _, TimeFormat, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var at in times)
        {
            now.CopyTo(span[at..]);
        }
        return body;
    }
}
