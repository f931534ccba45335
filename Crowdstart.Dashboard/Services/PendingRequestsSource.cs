using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Processing;
using Npgsql;

namespace Crowdstart.Dashboard.Services;

/// <summary>
/// The number of data-access requests waiting for a decision, for the admin menu's badge. One count for the whole process:
/// it is reread after access changes (<see cref="AccessChangeFeed"/>: a request made, approved or denied, here or on another
/// instance), at most once per <see cref="Throttle"/> however many changes arrive, and only while someone watches; every
/// subscriber gets the new count, and only when it changed. Callers show it to admins only.
/// </summary>
public sealed class PendingRequestsSource : IDisposable
{
    /// <summary>Shortest time between two counts.</summary>
    public static readonly TimeSpan Throttle = TimeSpan.FromSeconds(1);

    private readonly DataAccessGrants _grants;
    private readonly AccessChangeFeed _changes;
    private readonly ILogger _logger;
    private readonly ThrottledRunner _count;
    private readonly Lock _gate = new();
    private Func<int, Task>[] _subscribers = [];
    private IDisposable? _feed;
    private int? _latest;

    public PendingRequestsSource(DataAccessGrants grants, AccessChangeFeed changes, TimeProvider time, ILogger<PendingRequestsSource> logger)
    {
        (_grants, _changes, _logger) = (grants, changes, logger);
        _count = new ThrottledRunner(CountAsync, Throttle, time, logger);
    }

    /// <summary>Counts read so far (diagnostics and tests: many subscribers and many changes still cost few reads).</summary>
    public int Reads { get; private set; }

    /// <summary>Calls <paramref name="onCount"/> with the current count (at once when known), then whenever it changes. Dispose to stop.</summary>
    public IDisposable Subscribe(Func<int, Task> onCount)
    {
        int? known;
        lock (_gate)
        {
            _subscribers = [.. _subscribers, onCount];
            _feed ??= _changes.Subscribe((_, _) =>
            {
                _count.Request();
                return Task.CompletedTask;
            });
            known = _latest;
        }
        if (known is { } count)
        {
            _ = Deliver(onCount, count);
        }
        else
        {
            _count.Request();
        }
        return new Subscription(this, onCount);
    }

    private async Task CountAsync()
    {
        int count;
        try
        {
            count = await _grants.CountPendingAsync();
            Reads++;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The badge keeps its last count; the next access change tries again.
            _logger.LogWarning(ex, "Pending access requests could not be counted");
            return;
        }
        Func<int, Task>[] subscribers;
        lock (_gate)
        {
            if (_latest == count || _subscribers.Length == 0)
            {
                return;
            }
            _latest = count;
            subscribers = _subscribers;
        }
        foreach (var subscriber in subscribers)
        {
            _ = Deliver(subscriber, count);
        }
    }

    private async Task Deliver(Func<int, Task> subscriber, int count)
    {
        try
        {
            await subscriber(count);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "A pending-requests subscriber failed");
        }
    }

    private void Remove(Func<int, Task> onCount)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => s != onCount)];
            if (_subscribers.Length == 0)
            {
                // Nobody watches: stop following changes, and forget the count (it would go stale unwatched).
                _feed?.Dispose();
                _feed = null;
                _latest = null;
            }
        }
    }

    public void Dispose()
    {
        _feed?.Dispose();
        _count.Dispose();
    }

    private sealed class Subscription(PendingRequestsSource source, Func<int, Task> onCount) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                source.Remove(onCount);
            }
        }
    }
}
