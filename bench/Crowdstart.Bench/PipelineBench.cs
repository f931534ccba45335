using System.Collections.Concurrent;
using System.Diagnostics;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Log.JetStream;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

/// <summary>
/// Pipeline benchmarks on a fresh database, on either log engine: (1) catch-up — a backlog of launch-like events is
/// appended (PostgreSQL: <see cref="EventLogWriter"/>; JetStream: the app's appender), then one consumer per partition
/// folds it into every metric table (on JetStream this is also the sink: each batch's raw events are inserted into
/// <c>event_log</c> in the same transaction); (2) freshness — events are appended at a steady rate while consumers
/// run (woken as in the app: the in-process signal, or JetStream's delivery) and each append's delay until the
/// checkpoint covering it has committed is recorded; (3) dashboard load — snapshot and series read times for a small
/// campaign and for the one holding the backlog.
/// </summary>
static class PipelineBench
{
    public static async Task RunAsync(string connectionString, int backlog, int rate, int seconds, int partitions, string engine = "postgres",
        string natsUrls = "", int replicas = 1)
    {
        var jetStream = engine.Equals("jetstream", StringComparison.OrdinalIgnoreCase);
        await StorageInitializer.EnsureDatabaseAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(dataSource).Options;
        await using (var db = new CrowdstartDbContext(options))
        {
            await db.Database.MigrateAsync();
        }
        await StorageInitializer.EnsurePartitionsAsync(dataSource, partitions, jetStream ? LogEngine.JetStream : LogEngine.Postgres);
        await TimeSeriesPartitions.EnsureAsync(dataSource, DateTimeOffset.UtcNow);
        var store = new CampaignStore(new Factory(options), TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var big = await store.CreateCampaignAsync(await store.EnsureOrganisationAsync("bench", "Benchmarks"), "bench-big-" + Guid.NewGuid().ToString("N")[..6], "Backlog campaign", "EUR", 1_000_000m, now.AddHours(-3));
        var small = await store.CreateCampaignAsync(await store.EnsureOrganisationAsync("bench", "Benchmarks"), "bench-small-" + Guid.NewGuid().ToString("N")[..6], "Small campaign", "EUR", 10_000m, now.AddHours(-3));

        // The engine: how events are appended, how a consumer reads and waits.
        var signal = new LogSignal(partitions);
        Func<IReadOnlyList<EventRecord>, Task<AppendResult>> append;
        ILogReader reader;
        JetStreamLog? js = null;
        if (jetStream)
        {
            var stream = "BENCH_PIPE_" + Guid.NewGuid().ToString("N")[..8];
            js = new JetStreamLog(Options.Create(new LogOptions
            {
                PartitionCount = partitions,
                Engine = LogEngine.JetStream,
                JetStream = new JetStreamLogOptions { Url = natsUrls, Replicas = replicas, Stream = stream, Subject = stream.ToLowerInvariant() },
            }), NullLoggerFactory.Instance);
            await js.EnsureStreamAsync(default);
            var appender = new JetStreamEventLog(js, Options.Create(new AppendOptions { QueueCapacityEvents = 10_000_000 }), TimeProvider.System,
                NullLogger<JetStreamEventLog>.Instance);
            append = events => appender.AppendAsync(events);
            reader = new JetStreamLogReader(js);
        }
        else
        {
            var writer = new EventLogWriter(dataSource, partitions, TimeProvider.System);
            append = async events =>
            {
                var result = await writer.AppendAsync(events);
                signal.Signal(result.Partitions!);
                return result;
            };
            reader = new PostgresLogReader(signal);
        }
        Console.WriteLine($"engine={(jetStream ? $"jetstream replicas={replicas}" : "postgres")}");

        // 1. Catch-up. Each partition's consumer runs until it has folded in every event appended to it.
        var expected = new long[partitions];
        var sw = Stopwatch.StartNew();
        await AppendLaunchAsync(append, small.Id, 10_000, now.AddHours(-3), TimeSpan.FromHours(3), seed: 1, expected, partitions);
        await AppendLaunchAsync(append, big.Id, backlog, now.AddHours(-3), TimeSpan.FromHours(3), seed: 2, expected, partitions);
        Console.WriteLine($"backlog_appended={backlog + 10_000} append_seconds={sw.Elapsed.TotalSeconds:F1}");
        sw.Restart();
        var processor = new PartitionProcessor(dataSource, 2000, reader);
        var processed = 0L;
        await Task.WhenAll(Enumerable.Range(0, partitions).Select(p => Task.Run(async () =>
        {
            var done = 0L;
            while (done < expected[p])
            {
                var batch = await processor.ProcessNextBatchAsync(p, default);
                if (batch.EventCount == 0)
                {
                    await reader.WaitAsync(p, TimeSpan.FromMilliseconds(500), default);
                    continue;
                }
                done += batch.EventCount;
                Interlocked.Add(ref processed, batch.EventCount);
            }
        })));
        var catchup = sw.Elapsed.TotalSeconds;
        long rows;
        await using (var count = dataSource.CreateCommand("SELECT count(*) FROM event_log"))
        {
            rows = (long)(await count.ExecuteScalarAsync())!;
        }
        Console.WriteLine($"catchup_events={processed} catchup_seconds={catchup:F1} catchup_events_per_s={processed / catchup:F0} event_log_rows={rows}");

        // 3. Dashboard load (before the live phase adds load).
        var query = new MetricsQuery(dataSource);
        foreach (var (name, id) in new[] { ("10k", small.Id), ($"{backlog / 1000}k", big.Id) })
        {
            var times = new List<double>();
            for (var i = 0; i < 30; i++)
            {
                var t = Stopwatch.StartNew();
                await query.GetSnapshotAsync(id, now);
                await query.GetConversionSeriesAsync(id, 300, now.AddHours(-1), now);
                await query.GetRevenueSeriesAsync(id, now.AddHours(-1), now, hourly: false);
                await query.GetEarlyVelocityAsync(id);
                times.Add(t.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"dashboard_load campaign_events={name} p50_ms={times[times.Count / 2]:F1} p95_ms={times[(int)(times.Count * 0.95)]:F1}");
        }

        // 2. Freshness at a steady rate.
        var committedAt = new ConcurrentDictionary<(int Partition, long Offset), long>();
        var visible = new ConcurrentBag<(int Partition, long Checkpoint, long At)>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var consumers = Enumerable.Range(0, partitions).Select(p => Task.Run(async () =>
        {
            var live = new PartitionProcessor(dataSource, 2000, reader);
            while (!stop.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                var batch = await live.ProcessNextBatchAsync(p, default);
                if (batch.EventCount > 0)
                {
                    visible.Add((p, batch.Checkpoint, clock.ElapsedTicks));
                    // Same pacing as PipelineWorker (Processing:MinBatchIntervalMilliseconds = 200) when caught up.
                    var rest = TimeSpan.FromMilliseconds(200) - (clock.Elapsed - started);
                    if (batch.EventCount < 2000 && rest > TimeSpan.Zero)
                    {
                        await Task.Delay(rest);
                    }
                    continue;
                }
                try
                {
                    await reader.WaitAsync(p, TimeSpan.FromMilliseconds(500), stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        })).ToArray();
        // Two appenders share the target rate (one append every 100 ms each), as concurrent requests would.
        var perAppend = Math.Max(1, rate / 20);
        var interval = TimeSpan.FromMilliseconds(100);
        var appended = 0;
        await Task.WhenAll(Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            var random = new Random(3 + w);
            var next = clock.Elapsed;
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                var events = Enumerable.Range(0, perAppend).Select(_ => RandomEvent(random, big.Id, DateTimeOffset.UtcNow)).ToList();
                var result = await append(events);
                var at = clock.ElapsedTicks;
                for (var i = 0; i < events.Count; i++)
                {
                    var p = Crowdstart.Pipeline.Log.Partitioner.PartitionFor(events[i].CustomerId, partitions);
                    committedAt[(p, result.Offsets[i])] = at;
                }
                Interlocked.Add(ref appended, events.Count);
                next += interval;
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
            }
        })));
        await Task.Delay(3000);
        stop.Cancel();
        await Task.WhenAll(consumers);
        var byPartition = visible.GroupBy(v => v.Partition).ToDictionary(g => g.Key, g => g.OrderBy(v => v.Checkpoint).ToArray());
        var delays = new List<double>();
        foreach (var ((p, offset), at) in committedAt)
        {
            var seen = byPartition.GetValueOrDefault(p)?.FirstOrDefault(v => v.Checkpoint >= offset);
            if (seen is { } s)
            {
                delays.Add((s.At - at) * 1000.0 / Stopwatch.Frequency);
            }
        }
        delays.Sort();
        Console.WriteLine($"freshness_rate_target={rate} appended={appended} achieved_rate={appended / (double)seconds:F0} measured={delays.Count} " +
            $"p50_ms={delays[delays.Count / 2]:F0} p99_ms={delays[(int)(delays.Count * 0.99)]:F0} max_ms={delays[^1]:F0}");
        if (js is not null)
        {
            await js.Context.DeleteStreamAsync(js.Options.Stream);
            await js.DisposeAsync();
        }
    }

    private static readonly string[] Sources = ["direct", "search", "email", "social:reddit", "social:twitter", "social:instagram"];

    private static EventRecord RandomEvent(Random random, Guid campaign, DateTimeOffset at)
    {
        var type = random.NextDouble() switch
        {
            < 0.55 => EventTypes.PageView, < 0.75 => EventTypes.RewardView, < 0.85 => EventTypes.CartCreated,
            < 0.92 => EventTypes.CheckoutStarted, < 0.94 => EventTypes.CheckoutFailed, _ => EventTypes.PledgeCompleted,
        };
        var customer = $"c-{random.Next(100_000)}";
        return new EventRecord(Guid.NewGuid(), type, campaign, customer, $"{customer}-{random.Next(3)}", at, Sources[random.Next(Sources.Length)],
            type == EventTypes.PledgeCompleted ? random.Next(10, 300) : null, type == EventTypes.PledgeCompleted ? "EUR" : null, null);
    }

    /// <summary>Appends <paramref name="count"/> events spread over <paramref name="span"/> (about 10 events per customer).</summary>
    internal static Task AppendLaunchAsync(EventLogWriter writer, Guid campaign, int count, DateTimeOffset start, TimeSpan span, int seed) =>
        AppendLaunchAsync(events => writer.AppendAsync(events), campaign, count, start, span, seed, null, 0);

    /// <summary>The same through any append; counts the events per partition into <paramref name="perPartition"/> when given.</summary>
    internal static async Task AppendLaunchAsync(Func<IReadOnlyList<EventRecord>, Task<AppendResult>> append, Guid campaign, int count,
        DateTimeOffset start, TimeSpan span, int seed, long[]? perPartition, int partitions)
    {
        var random = new Random(seed);
        var customers = Math.Max(100, count / 10);
        for (var done = 0; done < count; done += 5000)
        {
            var batch = Enumerable.Range(0, Math.Min(5000, count - done)).Select(_ =>
            {
                var e = RandomEvent(random, campaign, start + TimeSpan.FromTicks((long)(random.NextDouble() * span.Ticks)));
                var customer = $"c-{random.Next(customers)}";
                return e with { CustomerId = customer, SessionId = $"{customer}-{random.Next(3)}" };
            }).ToList();
            await append(batch);
            if (perPartition is not null)
            {
                foreach (var e in batch)
                {
                    perPartition[Crowdstart.Pipeline.Log.Partitioner.PartitionFor(e.CustomerId, partitions)]++;
                }
            }
        }
    }
}
