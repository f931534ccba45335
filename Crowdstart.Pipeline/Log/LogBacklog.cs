namespace Crowdstart.Pipeline.Log;

/// <summary>What a partition holds beyond its checkpoint.</summary>
/// <param name="Pending">Unprocessed entries: events on PostgreSQL, messages (groups of a request's events) on JetStream.</param>
/// <param name="OldestReceivedAt">When the oldest unprocessed one was received, or null when there is none.</param>
public sealed record LogBacklog(long Pending, DateTimeOffset? OldestReceivedAt);
