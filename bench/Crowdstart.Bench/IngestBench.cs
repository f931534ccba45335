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

/// <summary>
/// The ingest baselines: the HTTP load generator (its own process, loopback), a naive collector (one INSERT and commit
/// per event) and the engine's limit, binary COPY of rows of the same shape into the same table with no HTTP,
/// validation or dedupe.
/// </summary>
internal static class IngestBench
{
    public static async Task Setup(string connectionString)
    {
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(connectionString).Options;
        var store = new CampaignStore(new Factory(options), TimeProvider.System);
        var campaign = await store.CreateCampaignAsync(await store.EnsureOrganisationAsync("bench", "Benchmarks"), "bench-" + Guid.NewGuid().ToString("N")[..8], "Benchmark campaign", "EUR", 1_000_000m, DateTimeOffset.UtcNow);
        Console.WriteLine($"{campaign.Id} {await store.CreateIngestKeyAsync(campaign.Id, "bench")}");
    }

    public static async Task Http(Uri url, string key, Guid campaign, int seconds, int concurrency, int batch, bool segment = false)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = url };
        var bodies = Enumerable.Range(0, concurrency).Select(w => new IngestBodies(campaign, batch, seed: w)).ToArray();
        var segmentBodies = segment ? Enumerable.Range(0, concurrency).Select(w => new SegmentBodies(batch, seed: w)).ToArray() : [];
        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(key + ":"));
        var deadline = Stopwatch.StartNew();
        long accepted = 0, requests = 0, retries = 0;
        var latencies = new List<double>[concurrency];
        async Task Worker(int w)
        {
            latencies[w] = [];
            while (deadline.Elapsed.TotalSeconds < seconds)
            {
                // The Segment door: /v1/batch with the key as Basic auth, as @segment/analytics-node sends it.
                using var request = segment
                    ? new HttpRequestMessage(HttpMethod.Post, "v1/batch") { Content = IngestBodies.Content(segmentBodies[w].Next()) }
                    : new HttpRequestMessage(HttpMethod.Post, "api/v1/events") { Content = IngestBodies.Content(bodies[w].Next()) };
                request.Headers.Authorization = segment ? new AuthenticationHeaderValue("Basic", basic) : new AuthenticationHeaderValue("Bearer", key);
                var sw = Stopwatch.StartNew();
                using var response = await client.SendAsync(request);
                latencies[w].Add(sw.Elapsed.TotalMilliseconds);
                Interlocked.Increment(ref requests);
                if (segment && (int)response.StatusCode == 200)
                {
                    // Segment answers 200 for refused events too: the script counts what reached the log.
                    Interlocked.Add(ref accepted, batch);
                }
                else if ((int)response.StatusCode == 202)
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
        Console.WriteLine($"{(segment ? "segment_" : "")}http_batch={batch} http_events={accepted} http_seconds={elapsed:F2} http_events_per_s={accepted / elapsed:F0} requests={requests} retries_503={retries} " +
            $"p50_ms={all[all.Length / 2]:F1} p99_ms={all[(int)(all.Length * 0.99)]:F1}");
    }

    // The naive collector: one INSERT (and so one durable commit) per event, as a simple web-analytics server
    // does, from `concurrency` connections, into the same table with the same rows.
    public static async Task Naive(string connectionString, Guid campaign, int seconds, int concurrency, int partitions)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var next = await EventLogCopy.NextOffsetsAsync(dataSource);
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
        await EventLogCopy.SaveNextOffsetsAsync(dataSource, next);
        Console.WriteLine($"naive_events={written} naive_seconds={elapsed:F2} naive_events_per_s={written / elapsed:F0}");
    }

    public static async Task Copy(string connectionString, Guid campaign, int events, int batch, int partitions, bool bare)
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
        var next = await EventLogCopy.NextOffsetsAsync(dataSource);
        var sw = Stopwatch.StartNew();
        var written = 0;
        while (written < events)
        {
            var n = Math.Min(batch, events - written);
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await using (var importer = await EventLogCopy.BeginAsync(connection, table))
            {
                var now = DateTimeOffset.UtcNow;
                for (var i = 0; i < n; i++)
                {
                    var customer = $"c-{random.Next(200_000)}";
                    var p = Partitioner.PartitionFor(customer, partitions);
                    await EventLogCopy.WriteAsync(importer, p, next[p]++, campaign, customer, $"s-{random.Next(1_000_000)}",
                        EventTypes.All[random.Next(5)], now, "social:reddit", null, null, """{"reward": "early_bird"}""");
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
        await EventLogCopy.SaveNextOffsetsAsync(dataSource, next);
        Console.WriteLine($"copy_events={written} copy_seconds={elapsed:F2} copy_events_per_s={written / elapsed:F0}");
    }
}
