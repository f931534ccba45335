using System.Threading.RateLimiting;
using Crowdstart.Pipeline.Accounts;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Query;

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
