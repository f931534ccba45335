using System.Threading.RateLimiting;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Query;

/// <summary>A query refused because its user, its organisation or the explorer as a whole is at its limit.</summary>
public sealed class QueryThrottledException(string message, TimeSpan retryAfter) : DomainException(message)
{
    /// <summary>When trying again can succeed.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Keeps ad-hoc queries from taking the database away from ingestion and the pipeline, and one tenant from taking
/// the explorer away from the others. A query needs, in this order: a running slot of its user and one of every
/// organisation whose campaigns it reads (refused at once when taken: a person waits for their own query), a
/// permit of the per-minute budgets of both (refused with the time the budget frees up), and then one of the
/// explorer's own connections (<see cref="ExploreDatabase"/>), for which it waits at most
/// <see cref="ExploreOptions.MaxQueueSeconds"/>.
/// </summary>
public sealed class QueryAdmission : IDisposable
{
    private static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(2);
    private readonly ExploreOptions _options;
    private readonly PartitionedRateLimiter<string> _userRunning;
    private readonly PartitionedRateLimiter<string> _organisationRunning;
    private readonly PartitionedRateLimiter<string> _userBudget;
    private readonly PartitionedRateLimiter<string> _organisationBudget;

    public QueryAdmission(IOptions<ExploreOptions> options)
    {
        _options = options.Value;
        _userRunning = Concurrency(_options.MaxConcurrentPerUser);
        _organisationRunning = Concurrency(_options.MaxConcurrentPerOrganisation);
        _userBudget = PerMinute(_options.QueriesPerMinutePerUser);
        _organisationBudget = PerMinute(_options.QueriesPerMinutePerOrganisation);
    }

    private static PartitionedRateLimiter<string> Concurrency(int limit) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions { PermitLimit = limit, QueueLimit = 0 }));

    // Six 10-second segments: a burst spends the budget, and it comes back in steps, not all at once a minute later.
    private static PartitionedRateLimiter<string> PerMinute(int limit) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = limit, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0, AutoReplenishment = true,
        }));

    /// <summary>
    /// Admits a query of <paramref name="actor"/> over campaigns of <paramref name="organisations"/>; dispose the
    /// result when the query is done. Throws <see cref="QueryThrottledException"/> past a limit.
    /// </summary>
    public IDisposable Admit(Actor actor, IReadOnlyCollection<Guid> organisations)
    {
        var leases = new List<RateLimitLease>();
        try
        {
            var user = actor.UserId.ToString();
            Take(leases, _userRunning, user, _ => new QueryThrottledException(
                $"You already have {_options.MaxConcurrentPerUser} queries running; wait for them to finish.", BusyRetry));
            foreach (var organisation in organisations)
            {
                Take(leases, _organisationRunning, organisation.ToString(), _ => new QueryThrottledException(
                    $"Your organisation already has {_options.MaxConcurrentPerOrganisation} queries running; try again in a moment.", BusyRetry));
            }
            Take(leases, _userBudget, user, lease => new QueryThrottledException(
                $"You ran {_options.QueriesPerMinutePerUser} queries in the last minute, the most allowed; try again shortly.", RetryAfter(lease)));
            foreach (var organisation in organisations)
            {
                Take(leases, _organisationBudget, organisation.ToString(), lease => new QueryThrottledException(
                    $"Your organisation ran {_options.QueriesPerMinutePerOrganisation} queries in the last minute, the most allowed; try again shortly.",
                    RetryAfter(lease)));
            }
            return new Leases(leases);
        }
        catch
        {
            new Leases(leases).Dispose();
            throw;
        }
    }

    private static void Take(List<RateLimitLease> leases, PartitionedRateLimiter<string> limiter, string key, Func<RateLimitLease, Exception> refusal)
    {
        var lease = limiter.AttemptAcquire(key);
        if (!lease.IsAcquired)
        {
            var error = refusal(lease);
            lease.Dispose();
            throw error;
        }
        leases.Add(lease);
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(10);

    public void Dispose()
    {
        _userRunning.Dispose();
        _organisationRunning.Dispose();
        _userBudget.Dispose();
        _organisationBudget.Dispose();
    }

    private sealed class Leases(List<RateLimitLease> leases) : IDisposable
    {
        public void Dispose()
        {
            foreach (var lease in leases)
            {
                lease.Dispose();
            }
            leases.Clear();
        }
    }
}

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
        new(configuration.GetConnectionString(PipelineExtensions.ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{PipelineExtensions.ConnectionStringName} is not configured."), options.Value);

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
