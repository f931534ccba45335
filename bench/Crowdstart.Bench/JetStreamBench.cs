using System.Diagnostics;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Log.JetStream;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

/// <summary>
/// JetStream's own rate for the payloads ingest publishes: the same events (random customers over the partitions, the
/// row shape of the HTTP benchmark) appended through the app's JetStream appender (grouped per partition, encoded,
/// published, every acknowledgement awaited) by <c>concurrency</c> callers, with no HTTP, parsing or validation. It
/// is the JetStream engine's limit, as raw COPY is PostgreSQL's.
/// </summary>
internal static class JetStreamBench
{
    public static async Task RunAsync(string urls, int replicas, int seconds, int concurrency, int batch, int partitions)
    {
        var stream = "BENCH_" + Guid.NewGuid().ToString("N")[..8];
        await using var log = new JetStreamLog(Options.Create(new LogOptions
        {
            PartitionCount = partitions,
            Engine = LogEngine.JetStream,
            JetStream = new JetStreamLogOptions { Url = urls, Replicas = replicas, Stream = stream, Subject = stream.ToLowerInvariant() },
        }), NullLoggerFactory.Instance);
        var appender = new JetStreamEventLog(log, Options.Create(new AppendOptions { QueueCapacityEvents = 10_000_000 }), TimeProvider.System,
            NullLogger<JetStreamEventLog>.Instance);
        await log.EnsureStreamAsync(default);
        var campaign = Guid.NewGuid();
        var random = new Random(7);
        // Fixed templates per caller (fresh ids per append), so building events does not compete with the broker for CPU.
        var templates = Enumerable.Range(0, concurrency).Select(_ => Enumerable.Range(0, batch).Select(_ => new EventRecord(Guid.Empty,
            EventTypes.All[random.Next(5)], campaign, $"c-{random.Next(200_000)}", $"s-{random.Next(1_000_000)}", DateTimeOffset.UtcNow,
            "social:reddit", null, null, """{"reward":"early_bird"}""")).ToArray()).ToArray();
        long appended = 0;
        var latencies = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            latencies[w] = [];
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                var events = templates[w].Select(e => e with { EventId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow }).ToArray();
                var sw = Stopwatch.StartNew();
                var result = await appender.AppendAsync(events);
                latencies[w].Add(sw.Elapsed.TotalMilliseconds);
                Interlocked.Add(ref appended, result.InsertedCount);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        Console.WriteLine($"jetstream_replicas={replicas} jetstream_batch={batch} jetstream_events={appended} jetstream_seconds={elapsed:F2} " +
            $"jetstream_events_per_s={appended / elapsed:F0} p50_ms={all[all.Length / 2]:F1} p99_ms={all[(int)(all.Length * 0.99)]:F1}");
        await log.Context.DeleteStreamAsync(stream);
    }
}
