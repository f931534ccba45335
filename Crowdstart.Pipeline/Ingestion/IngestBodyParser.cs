using System.Text.Json;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>Why a whole request body was refused (as opposed to single events).</summary>
/// <param name="StatusCode">The 4xx status to answer with.</param>
/// <param name="Title">Short ProblemDetails title.</param>
/// <param name="Detail">What is wrong and how to fix it.</param>
public sealed record BodyProblem(int StatusCode, string Title, string Detail);

/// <summary>
/// Splits a request body into events: a JSON array (<c>application/json</c>) or one JSON object per line
/// (<c>application/x-ndjson</c>). In NDJSON a line that is not valid JSON is one rejected event, not a
/// rejected request, so one bad line never takes the good ones down.
/// </summary>
public sealed class ParsedBody : IDisposable
{
    private readonly List<JsonDocument> _documents = [];

    /// <summary>The events in request order: a JSON element, or the reason the event could not be parsed.</summary>
    public List<(int Index, JsonElement Element, string? ParseError)> Events { get; } = [];

    public void Dispose()
    {
        foreach (var d in _documents)
        {
            d.Dispose();
        }
    }

    /// <summary>Parses <paramref name="body"/>; returns a problem for a body that cannot be processed at all.</summary>
    public static (ParsedBody? Body, BodyProblem? Problem) Parse(ReadOnlyMemory<byte> body, string? contentType, int maxEvents)
    {
        var mediaType = (contentType ?? "").Split(';', 2)[0].Trim().ToLowerInvariant();
        var parsed = new ParsedBody();
        BodyProblem? problem = mediaType switch
        {
            "application/json" or "text/json" => parsed.ParseArray(body, maxEvents),
            "application/x-ndjson" or "application/ndjson" or "application/jsonl" => parsed.ParseLines(body, maxEvents),
            _ => new BodyProblem(StatusCodes415, "Unsupported content type",
                $"Content-Type '{contentType}' is not supported; send application/json (an array of events) or application/x-ndjson (one event per line)."),
        };
        if (problem is null && parsed.Events.Count == 0)
        {
            problem = new BodyProblem(400, "No events", "The body contains no events.");
        }
        if (problem is not null)
        {
            parsed.Dispose();
            return (null, problem);
        }
        return (parsed, null);
    }

    private const int StatusCodes415 = 415;

    private static BodyProblem TooMany(int maxEvents) =>
        new(413, "Too many events", $"A request may carry at most {maxEvents} events; split the batch.");

    private BodyProblem? ParseArray(ReadOnlyMemory<byte> body, int maxEvents)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return new BodyProblem(400, "Malformed JSON", $"The body is not valid JSON: {ex.Message}");
        }
        _documents.Add(document);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return new BodyProblem(400, "Body must be an array",
                "With Content-Type application/json the body must be a JSON array of events.");
        }
        if (document.RootElement.GetArrayLength() > maxEvents)
        {
            return TooMany(maxEvents);
        }
        var index = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            Events.Add((index++, element, null));
        }
        return null;
    }

    private BodyProblem? ParseLines(ReadOnlyMemory<byte> body, int maxEvents)
    {
        var index = 0;
        var rest = body;
        while (!rest.IsEmpty)
        {
            var newline = rest.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? ReadOnlyMemory<byte>.Empty : rest[(newline + 1)..];
            if (IsBlank(line.Span))
            {
                continue;
            }
            if (index >= maxEvents)
            {
                return TooMany(maxEvents);
            }
            try
            {
                var document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 16 });
                _documents.Add(document);
                Events.Add((index, document.RootElement, null));
            }
            catch (JsonException ex)
            {
                Events.Add((index, default, $"is not valid JSON: {ex.Message}"));
            }
            index++;
        }
        return null;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }
        return true;
    }
}
