using System.Collections.Concurrent;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Log;

/// <summary>Two partitions only, so every writer contends on the same partition locks.</summary>
public sealed class TwoPartitionDatabase : TestDatabase
{
    public override int PartitionCount => 2;
}

/// <summary>
/// Proves the offset scheme: while several writers append concurrently, a reader that only ever asks for
/// <c>offset &gt; last</c> sees every committed event exactly once and never sees a gap, i.e. no event can
/// commit "behind" the reader's position.
/// </summary>
[Layer(TestLayer.Database)]
public class ConcurrentWriterOffsetTests(TwoPartitionDatabase db) : IClassFixture<TwoPartitionDatabase>
{
    [Fact]
    public async Task Follower_ConcurrentWriters_SeesEveryEventOnceWithoutGaps()
    {
        const int writers = 6, batchesPerWriter = 40, batchSize = 25;
        var campaign = Guid.NewGuid();
        var acknowledged = new ConcurrentBag<Guid>();
        var seen = new ConcurrentDictionary<Guid, int>();
        var gaps = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        async Task Follow(int partition)
        {
            long last = 0;
            await using var connection = await db.DataSource.OpenConnectionAsync();
            while (true)
            {
                var finished = stop.IsCancellationRequested;
                var batch = await EventLogReader.ReadAsync(connection, partition, last, 37, default);
                foreach (var e in batch)
                {
                    if (e.Offset != last + 1)
                    {
                        gaps.Add($"partition {partition}: expected {last + 1}, got {e.Offset}");
                    }
                    last = e.Offset;
                    seen.AddOrUpdate(e.Event.EventId, 1, (_, n) => n + 1);
                }
                if (batch.Count == 0 && finished)
                {
                    return;
                }
            }
        }

        async Task Write(int writer)
        {
            var log = new EventLogWriter(db.DataSource, db.PartitionCount, TimeProvider.System);
            var random = new Random(writer);
            for (var b = 0; b < batchesPerWriter; b++)
            {
                // Half the batches come from one customer (one partition, so writers of other partitions can
                // commit in parallel), half from many customers (both partitions, fully contended).
                var single = $"w{writer}-solo{b}";
                var events = Enumerable.Range(0, batchSize)
                    .Select(_ => EventFactory.Event(campaign, b % 2 == 0 ? single : $"w{writer}-c{random.Next(50)}", EventTypes.PageView, DateTimeOffset.UtcNow))
                    .ToList();
                var result = await log.AppendAsync(events);
                Assert.All(result.Inserted, Assert.True);
                foreach (var e in events)
                {
                    acknowledged.Add(e.EventId);
                }
            }
        }

        var followers = Enumerable.Range(0, db.PartitionCount).Select(p => Task.Run(() => Follow(p))).ToArray();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => Write(w))));
        stop.Cancel();
        await Task.WhenAll(followers);

        Assert.Empty(gaps);
        Assert.Equal(writers * batchesPerWriter * batchSize, acknowledged.Count);
        Assert.Equal(acknowledged.Order(), seen.Keys.Order());
        Assert.All(seen.Values, n => Assert.Equal(1, n));
    }
}
