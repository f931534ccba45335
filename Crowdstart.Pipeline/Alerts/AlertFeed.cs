namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// Announces alert changes (opened, updated, acknowledged, resolved) the moment they are stored, so banners and
/// badges change without waiting for the next page refresh. Subscriptions end when disposed.
/// </summary>
public sealed class AlertFeed
{
    private readonly Lock _gate = new();
    private (Guid? Campaign, Func<Guid, Task> Handler)[] _subscribers = [];

    /// <summary>Calls <paramref name="onChange"/> for changes of <paramref name="campaignId"/> (or of any campaign when null).</summary>
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

    public void Publish(Guid campaignId)
    {
        foreach (var (campaign, handler) in _subscribers)
        {
            if (campaign is null || campaign == campaignId)
            {
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
            }
        }
    }

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
