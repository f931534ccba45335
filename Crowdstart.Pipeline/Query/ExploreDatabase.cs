using Crowdstart.Pipeline.Configuration;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Query;

/// <summary>
/// The explorer's own connection pool (<see cref="ExploreOptions.MaxConnections"/> connections, application name
/// <c>crowdstart-explore</c>), separate from the one ingestion and the pipeline use, so a burst of heavy queries
/// can neither take their connections nor run more scans at once than the pool holds. A query waits at most
/// <see cref="ExploreOptions.MaxQueueSeconds"/> for one of them.
/// </summary>
public sealed class ExploreDatabase : IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly DbContextOptions<CrowdstartDbContext> _contextOptions;
    private readonly SemaphoreSlim _connections;
    private readonly TimeSpan _maxQueue;

    public ExploreDatabase(string connectionString, ExploreOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = options.MaxConnections,
            MinPoolSize = 0,
            ApplicationName = "crowdstart-explore",
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _contextOptions = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(_dataSource).Options;
        _connections = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
        _maxQueue = TimeSpan.FromSeconds(options.MaxQueueSeconds);
    }

    /// <summary>From the app's configuration (the <c>Crowdstart</c> connection string).</summary>
    public static ExploreDatabase FromConfiguration(IConfiguration configuration, IOptions<ExploreOptions> options) =>
        new(configuration.GetConnectionString(ConnectionStrings.Crowdstart)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStrings.Crowdstart} is not configured."), options.Value);

    /// <summary>Waits for a free explorer connection and returns a context over it; disposing the session frees it.</summary>
    public async Task<ExploreSession> OpenAsync(CancellationToken ct)
    {
        if (!await _connections.WaitAsync(_maxQueue, ct))
        {
            throw new QueryThrottledException("The explorer is busy with other queries; try again in a few seconds.", TimeSpan.FromSeconds(5));
        }
        return new ExploreSession(new CrowdstartDbContext(_contextOptions), _connections);
    }

    public void Dispose()
    {
        _dataSource.Dispose();
        _connections.Dispose();
    }

}
