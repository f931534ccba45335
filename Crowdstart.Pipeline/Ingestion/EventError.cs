namespace Crowdstart.Pipeline.Ingestion;

/// <summary>Why one event of a request was rejected.</summary>
/// <param name="Index">Zero-based position of the event in the request (array index or NDJSON event number).</param>
/// <param name="Field">The offending field (JSON name), or <c>$</c> for the event as a whole.</param>
/// <param name="Reason">What is wrong, in plain words.</param>
public sealed record EventError(int Index, string Field, string Reason);

/// <summary>Body of a 202 answer from <c>POST /api/v1/events</c>.</summary>
/// <param name="Accepted">Events durably in the log after this request (new ones and duplicates of logged ones).</param>
/// <param name="Duplicates">Accepted events whose <c>eventId</c> was already logged; they are counted once.</param>
/// <param name="Rejected">One entry per problem found in a rejected event.</param>
/// <param name="Redacted">
/// In redact mode (<c>Privacy:PiiMode</c>), one entry per property removed or blanked in an accepted event.
/// </param>
public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<EventError> Rejected, IReadOnlyList<EventError>? Redacted = null);
