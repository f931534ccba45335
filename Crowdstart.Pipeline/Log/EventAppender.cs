using System.Threading.Channels;
using Crowdstart.Pipeline.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Log;

/// <summary>
/// Group commit: concurrent requests queue their events here and one writer loop appends whatever has
/// accumulated in a single transaction, so the cost of a durable commit is shared by all waiting requests.
/// A request's task completes only after the transaction holding its events committed.
/// </summary>
public sealed class EventAppender : BackgroundService, IEventLog
{
    private sealed record Pending(IReadOnlyList<EventRecord> Events, TaskCompletionSource<AppendResult> Done);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly EventLogWriter _writer;
    private readonly LogSignal _signal;
    private readonly ILogger<EventAppender> _logger;
    private readonly int _maxBatch;
    private readonly int _capacity;
    private int _queued;

    public EventAppender(EventLogWriter writer, LogSignal signal, IOptions<AppendOptions> options, ILogger<EventAppender> logger)
    {
        _writer = writer;
        _signal = signal;
        _logger = logger;
        _maxBatch = Math.Max(1, options.Value.MaxBatchEvents);
        _capacity = Math.Max(1, options.Value.QueueCapacityEvents);
    }

    /// <summary>Events waiting for the writer.</summary>
    public int QueuedEvents => Volatile.Read(ref _queued);

    /// <summary>
    /// Whether <paramref name="events"/> more would fit in the queue now. Ingest asks before reading a body, so a
    /// full queue costs a refused request nothing: parsing a batch only to refuse it would slow the writer's
    /// recovery with wasted CPU.
    /// </summary>
    public bool HasRoomFor(int events) => Volatile.Read(ref _queued) + events <= _capacity;

    /// <summary>Appends durably; throws <see cref="LogUnavailableException"/> when the queue is full or the database fails.</summary>
    public Task<AppendResult> AppendAsync(IReadOnlyList<EventRecord> events, CancellationToken ct = default)
    {
        if (Interlocked.Add(ref _queued, events.Count) > _capacity)
        {
            Interlocked.Add(ref _queued, -events.Count);
            throw new LogUnavailableException("The event log is saturated; retry shortly.") { RetryAfter = TimeSpan.FromSeconds(1) };
        }
        var pending = new Pending(events, new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _queued, -events.Count);
            throw new LogUnavailableException("The event log is shutting down.");
        }
        // The caller may give up waiting, but the events stay queued: an abandoned request never half-writes.
        return pending.Done.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<Pending>();
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                group.Clear();
                var total = 0;
                while (total < _maxBatch && reader.TryRead(out var next))
                {
                    group.Add(next);
                    total += next.Events.Count;
                }
                await WriteGroupAsync(group, total, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        _queue.Writer.TryComplete();
        while (reader.TryRead(out var left))
        {
            left.Done.TrySetException(new LogUnavailableException("The event log is shutting down."));
        }
    }

    private async Task WriteGroupAsync(List<Pending> group, int total, CancellationToken ct)
    {
        try
        {
            await WriteAsync(group, total, ct);
        }
        finally
        {
            Interlocked.Add(ref _queued, -total);
        }
    }

    private async Task WriteAsync(List<Pending> group, int total, CancellationToken ct)
    {
        var all = new List<EventRecord>(total);
        foreach (var p in group)
        {
            all.AddRange(p.Events);
        }
        try
        {
            var result = await _writer.AppendAsync(all, ct);
            var at = 0;
            foreach (var p in group)
            {
                var n = p.Events.Count;
                p.Done.TrySetResult(new AppendResult(result.Inserted[at..(at + n)], result.Offsets[at..(at + n)], result.Partitions));
                at += n;
            }
            if (result.Partitions is { } touched)
            {
                _signal.Signal(touched);
            }
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // A data exception (class 22) comes from one request's events: write the requests one by one so
            // only the offending request fails and the other tenants' events in this group still land.
            if (group.Count > 1)
            {
                foreach (var p in group)
                {
                    await WriteAsync([p], p.Events.Count, ct);
                }
                return;
            }
            _logger.LogError(ex, "The database refused {Count} validated events", total);
            group[0].Done.TrySetException(new LogRejectedException($"The database refused the events: {ex.MessageText}", ex));
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Appending {Count} events failed; their requests get 503", total);
            var unavailable = new LogUnavailableException("The event log is unavailable; retry shortly.", ex);
            foreach (var p in group)
            {
                p.Done.TrySetException(unavailable);
            }
        }
    }
}
