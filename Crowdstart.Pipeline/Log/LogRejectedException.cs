namespace Crowdstart.Pipeline.Log;

/// <summary>The database refused a request's events as data (validation should have caught it); retrying cannot help.</summary>
public sealed class LogRejectedException(string message, Exception? inner = null) : Exception(message, inner);
