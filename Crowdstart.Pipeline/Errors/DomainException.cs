namespace Crowdstart.Pipeline.Errors;

/// <summary>
/// A request the domain refuses, with a message written for people. The API maps each kind to HTTP once
/// (<c>DomainExceptionHandler</c>) and pages show the message; nobody compares message texts. Programming errors
/// (misconfiguration, impossible states) stay BCL exceptions.
/// </summary>
public abstract class DomainException(string message) : Exception(message);
