using Crowdstart.Pipeline.Errors;

namespace Crowdstart.Pipeline.Query;

/// <summary>A query that cannot run as written; every problem is listed, its field a JSON path into the query.</summary>
public sealed class QueryValidationException(IReadOnlyList<FieldError> errors)
    : DomainValidationException("The query is not valid: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Reason}")), errors);
