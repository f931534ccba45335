namespace Crowdstart.Pipeline.Errors;

/// <summary>The thing a request names does not exist (or is not there for this actor to change).</summary>
public sealed class NotFoundException(string message) : DomainException(message);
