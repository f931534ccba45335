namespace Crowdstart.Pipeline.Errors;

/// <summary>The request is well formed but clashes with the current state (already resolved, already pending, at a limit).</summary>
public sealed class ConflictException(string message) : DomainException(message);
