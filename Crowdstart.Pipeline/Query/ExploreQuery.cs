namespace Crowdstart.Pipeline.Query;

/// <summary>
/// An ad-hoc question over a campaign's raw events: which events (campaigns, time, types, filters), grouped how,
/// measured how. A typed model, never SQL text: <see cref="QueryCompiler"/> turns it into parameterized SQL over
/// the raw log, and every name in it is checked against the lists below.
/// </summary>
public sealed record ExploreQuery
{
    /// <summary>Campaigns to read (each must be readable by the user).</summary>
    public IReadOnlyList<Guid> Campaigns { get; init; } = [];

    /// <summary>Event-time range; absolute, relative to each campaign's launch, or both. Null = all time.</summary>
    public QueryTime? Time { get; init; }

    /// <summary>Event types to include; empty = all.</summary>
    public IReadOnlyList<string> Types { get; init; } = [];

    /// <summary>Conditions on fields and allowlisted properties, all of which must hold.</summary>
    public IReadOnlyList<QueryFilter> Filters { get; init; } = [];

    /// <summary>Dimensions to group by (see <see cref="QueryFields.Dimensions"/>); empty = one row for everything.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = [];

    /// <summary>Measures per group (see <see cref="QueryFields.Measures"/>).</summary>
    public IReadOnlyList<string> Measures { get; init; } = ["count"];

    /// <summary>Sort by a dimension or a measure of the query; default: the first time dimension, else the first measure descending.</summary>
    public QuerySort? Sort { get; init; }

    /// <summary>Most rows returned (1 to <see cref="QueryFields.MaxRows"/>).</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>
/// Event-time bounds: <see cref="From"/>/<see cref="To"/> absolute (UTC), <see cref="FromHoursSinceLaunch"/>/
/// <see cref="ToHoursSinceLaunch"/> relative to each campaign's launch. Lower bounds are inclusive, upper exclusive.
/// </summary>
public sealed record QueryTime(DateTimeOffset? From = null, DateTimeOffset? To = null, double? FromHoursSinceLaunch = null,
    double? ToHoursSinceLaunch = null);

/// <summary>
/// One condition. <see cref="Field"/>: a filter field or <c>property:&lt;name&gt;</c>. <see cref="Op"/>: <c>eq</c>,
/// <c>in</c>, <c>not</c> (none of the values), <c>contains</c>, <c>gt</c>, <c>gte</c>, <c>lt</c>, <c>lte</c>,
/// <c>between</c> (<c>values[0] ≤ x &lt; values[1]</c>), <c>exists</c>, <c>missing</c>.
/// </summary>
public sealed record QueryFilter(string Field, string Op, IReadOnlyList<string>? Values = null);

/// <summary>Sort key (a dimension or measure of the query) and direction.</summary>
public sealed record QuerySort(string By, bool Descending = false);

/// <summary>The names a query may use.</summary>
public static class QueryFields
{
    /// <summary>Most rows a query returns; more are cut and reported as truncated.</summary>
    public const int MaxRows = 10_000;

    /// <summary>Most campaigns, filters, dimensions and values one query may name.</summary>
    public const int MaxCampaigns = 20, MaxFilters = 20, MaxDimensions = 4, MaxValues = 100, MaxValueLength = 200;

    /// <summary>Most customers an audit entry of a query names (it always gives their total count).</summary>
    public const int MaxAuditedCustomers = 20;

    /// <summary>Prefix of property fields and dimensions: <c>property:reward</c>.</summary>
    public const string PropertyPrefix = "property:";

    /// <summary>The pseudonymous customer id: filtering or grouping by it is a customer-level read (live grant, audited).</summary>
    public const string Customer = "customer";

    public static readonly IReadOnlyList<string> Dimensions =
        ["campaign", "type", "source", "source_kind", "network", "currency", "minute", "hour", "day", "hours_since_launch", Customer];

    /// <summary>Time dimensions (a line chart's x-axis).</summary>
    public static readonly IReadOnlyList<string> TimeDimensions = ["minute", "hour", "day", "hours_since_launch"];

    public static readonly IReadOnlyList<string> FilterFields = ["type", "source", "source_kind", "network", "currency", "amount", Customer];

    public static readonly IReadOnlyList<string> Measures =
        ["count", "unique_customers", "sum_amount", "avg_amount", "min_amount", "max_amount", "p50_amount", "p90_amount"];

    public static readonly IReadOnlyList<string> Operators = ["eq", "in", "not", "contains", "gt", "gte", "lt", "lte", "between", "exists", "missing"];

    /// <summary>True when the query reads customer ids (filter or group by customer).</summary>
    public static bool ReadsCustomers(ExploreQuery query) =>
        // JSON bodies may carry explicit nulls whatever the annotations say.
        (query.GroupBy ?? []).Contains(Customer) || (query.Filters ?? []).Any(f => f?.Field == Customer);
}
