namespace Crowdstart.Pipeline.Query;

/// <summary>The answer to a query: columns, rows (dimension values then measures), whether rows were cut, and timing.</summary>
public sealed record ExploreResult(IReadOnlyList<ResultColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated, TimeSpan Elapsed);
