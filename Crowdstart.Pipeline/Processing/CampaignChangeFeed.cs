using Crowdstart.Pipeline.Cluster;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Processing;

/// <summary>
/// Notifications that a campaign's rollups changed (after the pipeline committed them), in this process and, through
/// the <see cref="ClusterBus"/> (topic <see cref="Topic"/>, body: the campaign ids, <c>N</c> format, comma-separated),
/// in every other instance: a page served here follows batches processed anywhere.
/// Throttled at the source: each subscriber gets at most one call per throttle interval, and changes that
/// arrive meanwhile are coalesced into one queued call, so a busy launch never floods a page with renders.
/// </summary>
public sealed class CampaignChangeFeed
{
    /// <summary>The bus topic of rollup changes.</summary>
    public const string Topic = "campaigns";

    private readonly TimeSpan _throttle;
    private readonly object _gate = new();
    private readonly ClusterBus? _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Subscription[] _subscriptions = [];

    public CampaignChangeFeed(IOptions<ProcessingOptions> options, TimeProvider time, ILogger<CampaignChangeFeed> logger, ClusterBus? bus = null)
    {
        _throttle = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.NotifyThrottleMilliseconds));
        _time = time;
        _logger = logger;
        _bus = bus;
        // The feed lives as long as the process (a singleton), like the bus: the subscription is never disposed.
        bus?.Subscribe(Topic, OnRemote, PublishAll);
    }

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

    /// <summary>Reports that these campaigns changed (already committed): here, and to the other instances.</summary>
    public void Publish(IReadOnlyCollection<Guid> campaigns)
    {
        if (campaigns.Count == 0)
        {
            return;
        }
        PublishHere(campaigns);
        _bus?.Post(Topic, string.Join(',', campaigns.Select(c => c.ToString("N"))));
    }

    /// <summary>Wakes every subscriber of this process, whatever its campaign: anything may have changed.</summary>
    public void PublishAll()
    {
        foreach (var s in Volatile.Read(ref _subscriptions))
        {
            s.Notify();
        }
    }

    private void OnRemote(string body)
    {
        var campaigns = new HashSet<Guid>();
        foreach (var part in body.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Guid.TryParseExact(part, "N", out var id))
            {
                // Not ours to understand: assume the worst rather than miss a change.
                PublishAll();
                return;
            }
            campaigns.Add(id);
        }
        PublishHere(campaigns);
    }

    private void PublishHere(IReadOnlyCollection<Guid> campaigns)
    {
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
}
