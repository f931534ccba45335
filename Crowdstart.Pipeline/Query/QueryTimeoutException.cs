using Crowdstart.Pipeline.Errors;

namespace Crowdstart.Pipeline.Query;

/// <summary>A query PostgreSQL stopped because it ran past the time limit: valid, but too broad to answer (422).</summary>
public sealed class QueryTimeoutException(TimeSpan limit)
    : DomainException($"The query ran longer than {limit.TotalSeconds:0} s and was stopped. Narrow the time range, the campaigns or the filters, or group by fewer or coarser dimensions.");
