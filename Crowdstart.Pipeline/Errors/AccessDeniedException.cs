namespace Crowdstart.Pipeline.Errors;

/// <summary>The actor may not do this (forbidden); the API answers 403.</summary>
public sealed class AccessDeniedException(string message) : DomainException(message);
