namespace Crowdstart.Pipeline.Log;

/// <summary>
/// Wakes partition consumers when their partition received events (from this process's appender or a
/// NOTIFY from another process). A missed signal only costs one poll interval.
/// </summary>
public sealed class LogSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource[] _waiters = [];

    /// <summary>Sizes the signal for <paramref name="partitionCount"/> partitions.</summary>
    public LogSignal(int partitionCount)
    {
        _waiters = Enumerable.Range(0, partitionCount).Select(_ => NewSource()).ToArray();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes the consumers of the given partitions.</summary>
    public void Signal(IEnumerable<int> partitions)
    {
        lock (_gate)
        {
            foreach (var p in partitions)
            {
                if ((uint)p < (uint)_waiters.Length)
                {
                    _waiters[p].TrySetResult();
                }
            }
        }
    }

    /// <summary>Wakes every consumer.</summary>
    public void SignalAll() => Signal(Enumerable.Range(0, _waiters.Length));

    /// <summary>Waits until <paramref name="partition"/> is signalled or <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(int partition, TimeSpan timeout, CancellationToken ct)
    {
        Task task;
        lock (_gate)
        {
            task = _waiters[partition].Task;
        }
        try
        {
            await task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
        }
        lock (_gate)
        {
            if (_waiters[partition].Task.IsCompleted)
            {
                _waiters[partition] = NewSource();
            }
        }
    }
}
