using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Cluster;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Crowdstart.Tests.Cluster;

/// <summary>
/// One app instance over a shared test database, as far as the cross-instance feeds go: its own connection pool,
/// its own <see cref="ClusterBus"/> (its own listener connection) and its own feeds and key cache.
/// </summary>
public sealed class ClusterInstance : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    private ClusterInstance(TestDatabase db, FakeTimeProvider keyClock)
    {
        _dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        Bus = new ClusterBus(_dataSource, NullLogger<ClusterBus>.Instance);
        Campaigns = new CampaignChangeFeed(Options.Create(new ProcessingOptions { NotifyThrottleMilliseconds = 0 }), TimeProvider.System,
            NullLogger<CampaignChangeFeed>.Instance, Bus);
        Alerts = new AlertFeed(Bus);
        Accounts = new AccountServices(db, bus: Bus);
        KeyClock = keyClock;
        Authenticator = new IngestKeyAuthenticator(_dataSource, Options.Create(new IngestionOptions { KeyCacheSeconds = 5 }), keyClock, Bus);
        IngestKeys = new IngestKeys(db.Contexts, db.Campaigns, Accounts.Access, Accounts.Audit, Authenticator, TimeProvider.System);
    }

    public ClusterBus Bus { get; }
    public CampaignChangeFeed Campaigns { get; }
    public AlertFeed Alerts { get; }
    public AccountServices Accounts { get; }

    /// <summary>The key cache's clock: frozen unless the test moves it, so cached keys expire only by invalidation.</summary>
    public FakeTimeProvider KeyClock { get; }
    public IngestKeyAuthenticator Authenticator { get; }
    public IngestKeys IngestKeys { get; }

    /// <summary>Starts an instance and waits until its listener is up (messages sent before that are not for it).</summary>
    public static async Task<ClusterInstance> StartAsync(TestDatabase db)
    {
        var instance = new ClusterInstance(db, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await instance.Bus.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => instance.Bus.IsListening, "the listener connects");
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        await Bus.StopAsync(CancellationToken.None);
        Bus.Dispose();
        await _dataSource.DisposeAsync();
    }
}
