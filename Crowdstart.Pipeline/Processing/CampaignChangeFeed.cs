using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Processing;

/// <summary>
/// In-process notifications that a campaign's rollups changed (after the pipeline committed them).
/// Throttled at the source: each subscriber gets at most one call per throttle interval, and changes that
/// arrive meanwhile are coalesced into one queued call, so a busy launch never floods a page with renders.
/// </summary>
public sealed class CampaignChangeFeed(IOptions<ProcessingOptions> options, TimeProvider time, ILogger<CampaignChangeFeed> logger)
{
    private readonly TimeSpan _throttle = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.NotifyThrottleMilliseconds));
    private readonly object _gate = new();
    private Subscription[] _subscriptions = [];

    /// <summary>
    /// Calls <paramref name="onChanged"/> after rollups of <paramref name="campaignId"/> change (any campaign when null).
    /// Dispose the result to unsubscribe.
    /// </summary>
    public IDisposable Subscribe(Guid? campaignId, Func<Task> onChanged)
    {
        var subscription = new Subscription(this, campaignId, onChanged);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }
        return subscription;
    }

    /// <summary>Reports that these campaigns changed.</summary>
    public void Publish(IReadOnlyCollection<Guid> campaigns)
    {
        if (campaigns.Count == 0)
        {
            return;
        }
        foreach (var s in Volatile.Read(ref _subscriptions))
        {
            if (s.CampaignId is not { } id || campaigns.Contains(id))
            {
                s.Notify();
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = _subscriptions.Where(s => s != subscription).ToArray();
        }
    }

    /// <summary>One subscriber: its calls go through a <see cref="ThrottledRunner"/> (never overlapping, coalesced).</summary>
    private sealed class Subscription(CampaignChangeFeed feed, Guid? campaignId, Func<Task> onChanged) : IDisposable
    {
        private readonly ThrottledRunner _runner = new(onChanged, feed._throttle, feed._time, feed._logger);

        public Guid? CampaignId => campaignId;

        public void Notify() => _runner.Request();

        public void Dispose()
        {
            _runner.Dispose();
            feed.Remove(this);
        }
    }

    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
}
