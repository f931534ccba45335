using System.Collections.Concurrent;

namespace Crowdstart.Dashboard.Hubs;

/// <summary>
/// Counts open hub connections per account, so one account (a runaway script, a leaked token) cannot hold the
/// server's connections and memory: past the limit a connection is refused with a clear message.
/// </summary>
public sealed class HubConnectionLimiter
{
    private readonly ConcurrentDictionary<string, int> _open = new();

    /// <summary>Takes a slot for <paramref name="user"/>; false when the account already holds <paramref name="limit"/>.</summary>
    public bool TryAcquire(string user, int limit)
    {
        while (true)
        {
            var current = _open.GetOrAdd(user, 0);
            if (current >= limit)
            {
                return false;
            }
            if (_open.TryUpdate(user, current + 1, current))
            {
                return true;
            }
        }
    }

    public void Release(string user)
    {
        while (_open.TryGetValue(user, out var current))
        {
            if (current <= 1 ? _open.TryRemove(new KeyValuePair<string, int>(user, current)) : _open.TryUpdate(user, current - 1, current))
            {
                return;
            }
        }
    }

    /// <summary>Open connections of <paramref name="user"/>.</summary>
    public int Count(string user) => _open.TryGetValue(user, out var n) ? n : 0;
}
