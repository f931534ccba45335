using Crowdstart.Pipeline.Storage;

namespace Crowdstart.Pipeline.Query;

/// <summary>A context over one of the explorer's connections; disposing it gives the connection back.</summary>
public sealed class ExploreSession(CrowdstartDbContext db, SemaphoreSlim connections) : IAsyncDisposable
{
    private int _disposed;

    public CrowdstartDbContext Db { get; } = db;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await Db.DisposeAsync();
            connections.Release();
        }
    }
}
