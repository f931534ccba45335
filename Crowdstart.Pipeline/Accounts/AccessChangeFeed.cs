using Crowdstart.Pipeline.Cluster;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>
/// Tells open pages that access changed (a grant given, revoked or expired, a request decided), so a revoked
/// grant closes a drill-down view that is already on screen instead of at its next reload. Changes reach the
/// subscribers of every instance: the other instances hear them through the <see cref="ClusterBus"/> (topic
/// <see cref="Topic"/>, body: <c>campaign,user</c> ids), sent in the transaction that stores the change.
/// </summary>
public sealed class AccessChangeFeed
{
    /// <summary>The bus topic of access changes.</summary>
    public const string Topic = "access";

    /// <summary>
    /// Passed as both campaign and user when anyone's access may have changed (after this instance lost touch with
    /// the others for a while); see <see cref="Concerns"/>.
    /// </summary>
    public static readonly Guid Anyone = Guid.Empty;

    private readonly Lock _gate = new();
    private readonly ClusterBus? _bus;
    private ImmutableSubscribers _subscribers = new([]);

    public AccessChangeFeed(ClusterBus? bus = null)
    {
        _bus = bus;
        bus?.Subscribe(Topic, OnRemote, PublishAll);
    }

    /// <summary>
    /// Calls <paramref name="onChange"/> with (campaign, user) after every change until disposed; both are
    /// <see cref="Anyone"/> when any access may have changed.
    /// </summary>
    public IDisposable Subscribe(Func<Guid, Guid, Task> onChange)
    {
        lock (_gate)
        {
            _subscribers = new([.. _subscribers.Items, onChange]);
        }
        return new Subscription(this, onChange);
    }

    /// <summary>Whether a change announced as (<paramref name="changedCampaign"/>, <paramref name="changedUser"/>) may concern this user and campaign.</summary>
    public static bool Concerns(Guid changedCampaign, Guid changedUser, Guid campaignId, Guid? userId) =>
        changedCampaign == Anyone && changedUser == Anyone || changedCampaign == campaignId && changedUser == userId;

    /// <summary>Announces that <paramref name="userId"/>'s access to <paramref name="campaignId"/> changed (already committed), here and to the other instances.</summary>
    public void Publish(Guid campaignId, Guid userId)
    {
        PublishHere(campaignId, userId);
        _bus?.Post(Topic, Body(campaignId, userId));
    }

    /// <summary>
    /// Tells the other instances about a change in <paramref name="database"/>'s open transaction (delivered only if it
    /// commits); call before the commit, then <see cref="PublishHere"/> after it.
    /// </summary>
    public Task EnlistAsync(DatabaseFacade database, Guid campaignId, Guid userId, CancellationToken ct = default) =>
        _bus?.SendAsync(database, Topic, Body(campaignId, userId), ct) ?? Task.CompletedTask;

    /// <summary>Announces the change to this process's subscribers only.</summary>
    public void PublishHere(Guid campaignId, Guid userId)
    {
        foreach (var subscriber in _subscribers.Items)
        {
            // Subscribers re-check access against the database themselves; a failing one must not stop the others.
            _ = Task.Run(async () =>
            {
                try
                {
                    await subscriber(campaignId, userId);
                }
                catch (Exception)
                {
                }
            });
        }
    }

    /// <summary>Tells this process's subscribers that anyone's access may have changed.</summary>
    public void PublishAll() => PublishHere(Anyone, Anyone);

    private void OnRemote(string body)
    {
        var parts = body.Split(',');
        if (parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var campaignId) && Guid.TryParseExact(parts[1], "N", out var userId))
        {
            PublishHere(campaignId, userId);
        }
        else
        {
            PublishAll();
        }
    }

    private static string Body(Guid campaignId, Guid userId) => $"{campaignId:N},{userId:N}";

    private void Remove(Func<Guid, Guid, Task> onChange)
    {
        lock (_gate)
        {
            _subscribers = new([.. _subscribers.Items.Where(s => s != onChange)]);
        }
    }

    private sealed record ImmutableSubscribers(Func<Guid, Guid, Task>[] Items);

    private sealed class Subscription(AccessChangeFeed feed, Func<Guid, Guid, Task> onChange) : IDisposable
    {
        public void Dispose() => feed.Remove(onChange);
    }
}
