namespace Crowdstart.Pipeline.Errors;

/// <summary>
/// Input that cannot be accepted as given; every problem names its field (for API clients and forms). The message is
/// the distinct reasons, for people: reasons are written to say in words what they are about.
/// </summary>
public class DomainValidationException : DomainException
{
    public DomainValidationException(string field, string reason)
        : this([new FieldError(field, reason)])
    {
    }

    public DomainValidationException(IReadOnlyList<FieldError> errors)
        : this(string.Join(" ", errors.Select(e => e.Reason).Distinct(StringComparer.Ordinal)), errors)
    {
    }

    protected DomainValidationException(string message, IReadOnlyList<FieldError> errors)
        : base(message)
    {
        if (errors.Count == 0)
        {
            throw new ArgumentException("A validation failure names at least one field.", nameof(errors));
        }
        Errors = errors;
    }

    /// <summary>The problems, in the order they were found; a field may appear more than once.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>The problems grouped by field, the shape of a validation ProblemDetails' <c>errors</c>.</summary>
    public IDictionary<string, string[]> ErrorsByField() =>
        Errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray(), StringComparer.Ordinal);
}
