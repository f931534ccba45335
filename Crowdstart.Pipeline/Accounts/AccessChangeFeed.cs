namespace Crowdstart.Pipeline.Accounts;

/// <summary>
/// Tells open pages that access changed (a grant given, revoked or expired, a request decided), so a revoked
/// grant closes a drill-down view that is already on screen instead of at its next reload.
/// </summary>
public sealed class AccessChangeFeed
{
    private readonly Lock _gate = new();
    private ImmutableSubscribers _subscribers = new([]);

    /// <summary>Calls <paramref name="onChange"/> with (campaign, user) after every change until disposed.</summary>
    public IDisposable Subscribe(Func<Guid, Guid, Task> onChange)
    {
        lock (_gate)
        {
            _subscribers = new([.. _subscribers.Items, onChange]);
        }
        return new Subscription(this, onChange);
    }

    /// <summary>Announces that <paramref name="userId"/>'s access to <paramref name="campaignId"/> changed.</summary>
    public void Publish(Guid campaignId, Guid userId)
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
