using System.Collections.Concurrent;

namespace Crowdstart.Dashboard.Hubs;

/// <summary>Settings of <c>/hubs/campaigns</c> (section <c>Hub</c>).</summary>
public sealed class CampaignHubOptions
{
    public const string SectionName = "Hub";

    /// <summary>Most open hub connections one account may hold; more are refused at connection.</summary>
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>Most browser circuits (open dashboard tabs) one account may hold; more are refused with 429.</summary>
    public int MaxCircuitsPerUser { get; set; } = 30;

    /// <summary>Largest message a client may send (SignalR closes the connection beyond it).</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024;
}

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
