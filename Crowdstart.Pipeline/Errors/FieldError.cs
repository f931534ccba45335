namespace Crowdstart.Pipeline.Errors;

/// <summary>One problem with a request: the field (its name in the API, or a JSON path into the body) and why, for people.</summary>
public sealed record FieldError(string Field, string Reason);
