using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Log.JetStream;
using Crowdstart.Pipeline.Processing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// The log of a test database, on the engine the database was made for: appends, readers and processors over it.
/// Tests written against this run unchanged on PostgreSQL and on JetStream (a stream of their own per database).
/// </summary>
public sealed class TestLog : IAsyncDisposable
{
    private readonly TestDatabase _db;
    private readonly JetStreamLog? _jetStream;

    public TestLog(TestDatabase db)
    {
        _db = db;
        if (db.Engine == LogEngine.JetStream)
        {
            var id = db.Name.Replace("cs_test_", "", StringComparison.Ordinal);
            _jetStream = new JetStreamLog(Options.Create(new LogOptions
            {
                PartitionCount = db.PartitionCount,
                Engine = LogEngine.JetStream,
                JetStream = new JetStreamLogOptions { Url = JetStreamServer.Url, Stream = "TEST_" + id, Subject = "test." + id },
            }), NullLoggerFactory.Instance);
        }
        Reader = NewReader();
    }

    /// <summary>The engine under test.</summary>
    public LogEngine Engine => _db.Engine;

    /// <summary>The reader the processors of this log share (one process).</summary>
    public ILogReader Reader { get; }

    /// <summary>A reader of its own, as another process would have.</summary>
    public ILogReader NewReader() => _jetStream is null ? new PostgresLogReader() : new JetStreamLogReader(_jetStream);

    /// <summary>Appends durably, stamped with <paramref name="time"/>'s now as the receive time.</summary>
    public Task<AppendResult> AppendAsync(IReadOnlyList<EventRecord> events, TimeProvider? time = null) => _jetStream is null
        ? new EventLogWriter(_db.DataSource, _db.PartitionCount, time ?? TimeProvider.System).AppendAsync(events)
        : new JetStreamEventLog(_jetStream, Options.Create(new AppendOptions { QueueCapacityEvents = 10_000_000 }), time ?? TimeProvider.System,
            NullLogger<JetStreamEventLog>.Instance).AppendAsync(events);

    /// <summary>A processor over this log (a new one stands for a restarted process).</summary>
    public PartitionProcessor Processor(int batchSize, ILogReader? reader = null) => new(_db.DataSource, batchSize, reader ?? Reader);

    /// <summary>
    /// Processes every partition until it is caught up (one process, the shared reader) and returns the campaigns the
    /// batches changed. Tests that read <c>event_log</c> process first: on JetStream the raw events become its rows
    /// only in the processor's transaction.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> ProcessAllAsync(int batchSize = 1000)
    {
        var processor = Processor(batchSize);
        var changed = new HashSet<Guid>();
        for (var partition = 0; partition < _db.PartitionCount; partition++)
        {
            while (await processor.ProcessNextBatchAsync(partition, default) is { EventCount: > 0 } batch)
            {
                changed.UnionWith(batch.Campaigns);
            }
        }
        return changed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_jetStream is not null)
        {
            try
            {
                await _jetStream.Context.DeleteStreamAsync(_jetStream.Options.Stream);
            }
            catch (Exception)
            {
                // Never created, or the server is gone: nothing to clean.
            }
            await _jetStream.DisposeAsync();
        }
    }
}
