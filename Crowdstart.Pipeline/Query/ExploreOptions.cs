namespace Crowdstart.Pipeline.Query;

/// <summary>Settings of ad-hoc queries (section <c>Explore</c>).</summary>
public sealed class ExploreOptions
{
    public const string SectionName = "Explore";

    /// <summary>Longest a query may run before PostgreSQL cancels it.</summary>
    public int StatementTimeoutSeconds { get; set; } = 15;

    /// <summary>Memory per sort or hash of one query (PostgreSQL <c>work_mem</c>), so groupings of millions of rows stay off disk.</summary>
    public int WorkMemMegabytes { get; set; } = 64;

    /// <summary>
    /// Connections of the explorer's own pool: the most queries that scan at once, across all users. Each takes up to
    /// one database core (plus <see cref="ParallelWorkersPerQuery"/>), so keep it below the database's core count.
    /// </summary>
    public int MaxConnections { get; set; } = 2;

    /// <summary>PostgreSQL parallel workers one query may add (<c>max_parallel_workers_per_gather</c>); 0 keeps each query to one core.</summary>
    public int ParallelWorkersPerQuery { get; set; }

    /// <summary>Longest a query waits for one of the explorer's connections before it is refused as busy.</summary>
    public int MaxQueueSeconds { get; set; } = 10;

    /// <summary>Queries one user may have running at once.</summary>
    public int MaxConcurrentPerUser { get; set; } = 2;

    /// <summary>Queries over one organisation's campaigns that may run at once, whoever runs them.</summary>
    public int MaxConcurrentPerOrganisation { get; set; } = 3;

    /// <summary>Queries one user may start per minute.</summary>
    public int QueriesPerMinutePerUser { get; set; } = 30;

    /// <summary>Queries over one organisation's campaigns that may start per minute.</summary>
    public int QueriesPerMinutePerOrganisation { get; set; } = 90;
}
