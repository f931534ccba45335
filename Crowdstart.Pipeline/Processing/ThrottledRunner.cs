using Microsoft.Extensions.Logging;

namespace Crowdstart.Pipeline.Processing;

/// <summary>
/// Runs an action after <see cref="Request"/>: calls never overlap, requests that arrive while a call runs (or
/// before <c>minInterval</c> has passed since the previous call started) are coalesced into one more call.
/// The building block of every live subscription: one queued refresh per subscriber, however busy the source.
/// </summary>
public sealed class ThrottledRunner(Func<Task> work, TimeSpan minInterval, TimeProvider time, ILogger logger) : IDisposable
{
    private readonly object _gate = new();
    private bool _running;
    private bool _dirty;
    private bool _disposed;
    private DateTimeOffset _lastRun = DateTimeOffset.MinValue;

    /// <summary>Asks for one more call; returns at once.</summary>
    public void Request()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _dirty = true;
            if (_running)
            {
                return;
            }
            _running = true;
        }
        // On the thread pool: the caller may hold a lock or be a circuit's dispatcher, and must neither run the work
        // inline nor lend it its synchronization context.
        _ = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            TimeSpan delay;
            lock (_gate)
            {
                var due = _lastRun == DateTimeOffset.MinValue ? DateTimeOffset.MinValue : _lastRun + minInterval;
                var now = time.GetUtcNow();
                delay = due > now ? due - now : TimeSpan.Zero;
            }
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time);
            }
            lock (_gate)
            {
                if (!_dirty || _disposed)
                {
                    _running = false;
                    return;
                }
                _dirty = false;
                _lastRun = time.GetUtcNow();
            }
            try
            {
                await work();
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "A live subscriber failed");
            }
        }
    }

    /// <summary>No further calls start; a call in progress finishes.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }
    }
}
