using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Query;

/// <summary>Checks <see cref="ExploreOptions"/> at start-up and reports every bad setting at once.</summary>
public sealed class ValidateExploreOptions : IValidateOptions<ExploreOptions>
{
    public ValidateOptionsResult Validate(string? name, ExploreOptions options) => new OptionErrors(ExploreOptions.SectionName)
        .Range(nameof(options.StatementTimeoutSeconds), options.StatementTimeoutSeconds, 1, 600)
        .Range(nameof(options.WorkMemMegabytes), options.WorkMemMegabytes, 4, 1024)
        .Range(nameof(options.MaxConnections), options.MaxConnections, 1, 100)
        .Range(nameof(options.ParallelWorkersPerQuery), options.ParallelWorkersPerQuery, 0, 8)
        .Range(nameof(options.MaxQueueSeconds), options.MaxQueueSeconds, 0, 60)
        // The abuse benchmark lifts the per-user limits to 1,000 concurrent and 100,000 a minute (scripts/bench-abuse.sh).
        .Range(nameof(options.MaxConcurrentPerUser), options.MaxConcurrentPerUser, 1, 1_000_000)
        // An organisation limit below the per-user one would make the per-user limit a lie.
        .Require(options.MaxConcurrentPerOrganisation >= options.MaxConcurrentPerUser,
            $"Explore:MaxConcurrentPerOrganisation must be at least Explore:MaxConcurrentPerUser (was {options.MaxConcurrentPerOrganisation} < {options.MaxConcurrentPerUser})")
        .Range(nameof(options.QueriesPerMinutePerUser), options.QueriesPerMinutePerUser, 1, 1_000_000_000)
        .Require(options.QueriesPerMinutePerOrganisation >= options.QueriesPerMinutePerUser,
            $"Explore:QueriesPerMinutePerOrganisation must be at least Explore:QueriesPerMinutePerUser (was {options.QueriesPerMinutePerOrganisation} < {options.QueriesPerMinutePerUser})")
        .Result();
}
