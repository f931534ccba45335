using Crowdstart.Pipeline.Errors;

namespace Crowdstart.Pipeline.Query;

/// <summary>A query refused because its user, its organisation or the explorer as a whole is at its limit.</summary>
public sealed class QueryThrottledException(string message, TimeSpan retryAfter) : DomainException(message)
{
    /// <summary>When trying again can succeed.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
