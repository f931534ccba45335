using System.Text.Json;
using Crowdstart.Pipeline.Events;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>What one ingest request's body came to: a problem with the body as a whole, or its events checked one by one.</summary>
/// <param name="Problem">Why the whole body was refused (not JSON, too many events, wrong content type), or null.</param>
/// <param name="Valid">The events that passed, in request order.</param>
/// <param name="Errors">The events refused, each with its index, field and reason.</param>
/// <param name="Redactions">Fields removed from accepted events (personal data), each with its index, field and reason.</param>
public sealed record IngestBatch(BodyProblem? Problem, List<EventRecord> Valid, List<EventError> Errors, List<EventError> Redactions)
{
    /// <summary>The <c>type</c> each rejected event said it had (by index), for the rejected-events list; absent when it had none.</summary>
    public IReadOnlyDictionary<int, string> RejectedTypes { get; init; } = new Dictionary<int, string>();

    /// <summary>
    /// Parses a body (a JSON array or NDJSON) and validates each event on its own, so a bad event never takes the good
    /// ones down with it. Validation copies what it keeps: the caller may release the body as soon as this returns.
    /// </summary>
    public static IngestBatch Read(ReadOnlyMemory<byte> body, string? contentType, IngestTarget target, EventValidator validator, IngestionOptions limits)
    {
        var errors = new List<EventError>();
        var redactions = new List<EventError>();
        var (parsed, problem) = ParsedBody.Parse(body, contentType, limits.MaxEventsPerRequest);
        if (problem is not null)
        {
            return new IngestBatch(problem, [], errors, redactions);
        }
        using var _ = parsed;
        var valid = new List<EventRecord>(parsed!.Events.Count);
        var rejectedTypes = new Dictionary<int, string>();
        foreach (var (index, element, parseError) in parsed.Events)
        {
            if (parseError is not null)
            {
                errors.Add(new EventError(index, "$", parseError));
                continue;
            }
            if (validator.Validate(element, index, target, errors, redactions) is { } record)
            {
                valid.Add(record);
            }
            else if (TypeOf(element) is { } type)
            {
                rejectedTypes[index] = type;
            }
        }
        return new IngestBatch(null, valid, errors, redactions) { RejectedTypes = rejectedTypes };
    }

    private static string? TypeOf(JsonElement element)
    {
        try
        {
            return element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                ? type.GetString() : null;
        }
        catch (InvalidOperationException)
        {
            return null; // a lone surrogate escape
        }
    }
}
