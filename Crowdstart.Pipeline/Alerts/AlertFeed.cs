using Crowdstart.Pipeline.Cluster;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// Announces alert changes (opened, updated, acknowledged, resolved) the moment they are stored, so banners and
/// badges change without waiting for the next page refresh. Subscriptions end when disposed. Changes reach the
/// subscribers of every instance: the other instances hear them through the <see cref="ClusterBus"/> (topic
/// <see cref="Topic"/>, body: the campaign id), sent in the transaction that stores the change.
/// </summary>
public sealed class AlertFeed
{
    /// <summary>The bus topic of alert changes.</summary>
    public const string Topic = "alerts";

    /// <summary>
    /// The campaign passed to subscribers of every campaign when any campaign's alerts may have changed (after
    /// this instance lost touch with the others for a while).
    /// </summary>
    public static readonly Guid AnyCampaign = Guid.Empty;

    private readonly Lock _gate = new();
    private readonly ClusterBus? _bus;
    private (Guid? Campaign, Func<Guid, Task> Handler)[] _subscribers = [];

    public AlertFeed(ClusterBus? bus = null)
    {
        _bus = bus;
        bus?.Subscribe(Topic, body =>
        {
            if (Guid.TryParseExact(body, "N", out var campaignId))
            {
                PublishHere(campaignId);
            }
            else
            {
                PublishAll();
            }
        }, PublishAll);
    }

    /// <summary>
    /// Calls <paramref name="onChange"/> for changes of <paramref name="campaignId"/> (or of any campaign when null;
    /// such subscribers may get <see cref="AnyCampaign"/>).
    /// </summary>
    public IDisposable Subscribe(Guid? campaignId, Func<Guid, Task> onChange)
    {
        var entry = (campaignId, onChange);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, entry];
        }
        return new Subscription(() =>
        {
            lock (_gate)
            {
                _subscribers = [.. _subscribers.Where(s => s != entry)];
            }
        });
    }

    /// <summary>Announces a change that is already committed: here, and to the other instances.</summary>
    public void Publish(Guid campaignId)
    {
        PublishHere(campaignId);
        _bus?.Post(Topic, campaignId.ToString("N"));
    }

    /// <summary>
    /// Tells the other instances about a change in <paramref name="database"/>'s open transaction (delivered only if it
    /// commits); call before the commit, then <see cref="PublishHere"/> after it.
    /// </summary>
    public Task EnlistAsync(DatabaseFacade database, Guid campaignId, CancellationToken ct = default) =>
        _bus?.SendAsync(database, Topic, campaignId.ToString("N"), ct) ?? Task.CompletedTask;

    /// <summary>Announces a change to this process's subscribers only.</summary>
    public void PublishHere(Guid campaignId)
    {
        foreach (var (campaign, handler) in _subscribers)
        {
            if (campaign is null || campaign == campaignId)
            {
                Run(handler, campaignId);
            }
        }
    }

    /// <summary>Tells every subscriber of this process that its alerts may have changed.</summary>
    public void PublishAll()
    {
        foreach (var (campaign, handler) in _subscribers)
        {
            Run(handler, campaign ?? AnyCampaign);
        }
    }

    private static void Run(Func<Guid, Task> handler, Guid campaignId) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await handler(campaignId);
            }
            catch (Exception)
            {
                // A broken page must not keep the others from hearing about the alert.
            }
        });

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
