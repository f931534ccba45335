namespace Crowdstart.Pipeline.Log;

/// <summary>The log cannot take more events right now; the client should retry later.</summary>
public sealed class LogUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Suggested wait before retrying.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(2);
}
