using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Runtime.InteropServices;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Log;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Crowdstart.Dashboard.Api;

/// <summary>
/// The Segment HTTP Tracking API on the ingest host: <c>POST /v1/batch</c>, <c>/v1/track</c>, <c>/v1/page</c>,
/// <c>/v1/identify</c>. A site already instrumented with Segment (or RudderStack, or any Segment library) changes its
/// host name and nothing else. The write key is the campaign's ingest key. Answers as Segment does: 200 once the
/// request is taken, even when single events are refused (they are listed with their reasons on the ingest keys page),
/// 400 for a malformed or oversized request, 429/503 with <c>Retry-After</c> at capacity; and 401 for a missing or
/// unknown write key (Segment answers 200 there, but an unknown key has no campaign whose page could show the refusal).
/// Mapping and limits: docs/segment.md.
/// </summary>
public static class SegmentApi
{
    /// <summary>The Segment routes, each with the call type it implies (null: each message names its own).</summary>
    public static readonly IReadOnlyList<(string Route, string? Call)> Routes =
        [("/v1/batch", null), ("/v1/track", "track"), ("/v1/page", "page"), ("/v1/identify", "identify")];

    /// <summary>Body of every 200 answer, as Segment's.</summary>
    public sealed record SegmentSuccess(bool Success);

    /// <summary>Maps the Segment routes.</summary>
    public static void MapSegmentApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").WithTags("Segment");
        foreach (var (route, call) in Routes)
        {
            group.MapPost(route["/v1".Length..], (HttpContext http, [AsParameters] SegmentServices services, CancellationToken ct) => TrackAsync(http, services, call, ct))
                .WithName("Segment" + char.ToUpperInvariant(route[4]) + route[5..])
                .WithSummary(call is null ? "Segment HTTP Tracking API: a batch of messages" : $"Segment HTTP Tracking API: one {call} call")
                .WithDescription("Write key in the body ('writeKey') or as HTTP Basic auth (the key as user name, empty password). " +
                    "200 {\"success\":true} once taken; refused events are listed with their reasons on the campaign's ingest keys page. See docs/segment.md.")
                .Produces<SegmentSuccess>(StatusCodes.Status200OK)
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status429TooManyRequests)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
                // Authenticated by the write key in the handler, not by a user: no user policy applies.
                .AllowAnonymous()
                .DisableAntiforgery();
        }
    }

    internal static async Task<Results<Ok<SegmentSuccess>, ProblemHttpResult>> TrackAsync(HttpContext http, SegmentServices services, string? call,
        CancellationToken ct)
    {
        var result = await TrackCoreAsync(http, services, call, ct);
        if (result.Result is ProblemHttpResult refused)
        {
            services.Metrics.Refused(refused.StatusCode);
        }
        return result;
    }

    private static async Task<Results<Ok<SegmentSuccess>, ProblemHttpResult>> TrackCoreAsync(HttpContext http, SegmentServices services, string? call,
        CancellationToken ct)
    {
        var (authenticator, throttle, validator, appender, admission, metrics, _, _, _, _) = services;
        var receivedAt = services.Time.GetUtcNow();
        var client = http.Connection.RemoteIpAddress;
        if (throttle.RetryAfter(client) is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return IngestHttp.Problem(StatusCodes.Status429TooManyRequests, "Too many invalid write keys",
                "This address sent too many invalid write keys; retry after the time in Retry-After with an active ingest key.");
        }
        if (admission.PausedFor() is { } paused)
        {
            return IngestHttp.Unavailable(http, paused, "Ingest is paused; retry after the time in Retry-After.");
        }
        if (http.Request.ContentLength > SegmentMapper.MaxBatchBytes)
        {
            return TooLarge();
        }
        var mediaType = (http.Request.ContentType ?? "").Split(';', 2)[0].Trim();
        if (!mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) && !mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return IngestHttp.Problem(StatusCodes.Status400BadRequest, "Unsupported content type", "Send the body as JSON with Content-Type: application/json.");
        }

        IngestTarget? target;
        var outcomes = new List<(SegmentOutcome Outcome, int Index)>();
        List<EventRecord> valid = [];
        var errors = new List<EventError>();
        var eventNames = new Dictionary<int, string?>();
        using (var turn = await admission.EnterAsync(ct))
        {
            if (!turn.IsAcquired)
            {
                return IngestHttp.Unavailable(http, TimeSpan.FromSeconds(1), "Ingest is at capacity; retry after the time in Retry-After.");
            }
            var body = await IngestHttp.ReadBodyAsync(http, SegmentMapper.MaxBatchBytes, ct);
            if (body is null)
            {
                return TooLarge();
            }
            try
            {
                JsonDocument document;
                try
                {
                    document = JsonDocument.Parse(body.Value.AsMemory(), new JsonDocumentOptions { MaxDepth = 32 });
                }
                catch (JsonException ex)
                {
                    return IngestHttp.Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not valid JSON: {ex.Message}");
                }
                using (document)
                {
                    var root = document.RootElement;
                    if (root.ValueKind != JsonValueKind.Object)
                    {
                        return IngestHttp.Problem(StatusCodes.Status400BadRequest, "Body must be an object",
                            call is null ? "The body must be a JSON object with a 'batch' array." : "The body must be a JSON object: one Segment message.");
                    }
                    var key = BasicUser(http.Request.Headers.Authorization.ToString()) ??
                        (root.TryGetProperty("writeKey", out var wk) && wk.ValueKind == JsonValueKind.String ? wk.GetString() : null);
                    try
                    {
                        target = await authenticator.AuthenticateKeyAsync(key, ct);
                    }
                    catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                    {
                        return IngestHttp.Unavailable(http, TimeSpan.FromSeconds(2), "The key store is unavailable; retry shortly.");
                    }
                    if (target is null)
                    {
                        if (!string.IsNullOrEmpty(key))
                        {
                            throttle.RecordFailure(client);
                        }
                        http.Response.Headers.WWWAuthenticate = "Basic realm=\"Crowdstart ingest\"";
                        return IngestHttp.Problem(StatusCodes.Status401Unauthorized, "Invalid write key",
                            "Send an active ingest key of the campaign as the write key: in the body ('writeKey') or as HTTP Basic auth (the key as user name, empty password).");
                    }

                    List<JsonElement> messages;
                    if (call is null)
                    {
                        if (!root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
                        {
                            return IngestHttp.Problem(StatusCodes.Status400BadRequest, "No batch", "The body of /v1/batch must have a 'batch' array of messages.");
                        }
                        messages = [.. batch.EnumerateArray()];
                    }
                    else
                    {
                        messages = [root];
                    }
                    if (messages.Count == 0)
                    {
                        return TypedResults.Ok(new SegmentSuccess(true));
                    }
                    if (!appender.HasRoomFor(messages.Count))
                    {
                        return IngestHttp.Unavailable(http, TimeSpan.FromSeconds(1), "The event log is saturated; retry after the time in Retry-After.");
                    }
                    var requestSentAt = root.TryGetProperty("sentAt", out var s) && s.ValueKind == JsonValueKind.String ? SegmentMapper.ParseTime(s.GetString()!) : null;
                    var campaignEvents = await services.Mappings.ForCampaignAsync(target.CampaignId, ct);
                    for (var i = 0; i < messages.Count; i++)
                    {
                        var message = messages[i];
                        if (JsonMarshal.GetRawUtf8Value(message).Length > SegmentMapper.MaxMessageBytes)
                        {
                            var name = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String
                                ? e.GetString() : null;
                            outcomes.Add((new SegmentOutcome(SegmentOutcomeKind.Rejected, name, null, "$", $"is larger than {SegmentMapper.MaxMessageBytes / 1024} KB, Segment's limit for one message"), i));
                            continue;
                        }
                        var outcome = services.Mapper.Map(message, call, target.CampaignId, receivedAt, requestSentAt, campaignEvents);
                        if (outcome.Kind == SegmentOutcomeKind.Mapped)
                        {
                            using var ours = JsonDocument.Parse(outcome.EventJson);
                            var before = errors.Count;
                            if (validator.Validate(ours.RootElement, i, target, errors) is { } record)
                            {
                                valid.Add(record);
                            }
                            for (var j = before; j < errors.Count; j++)
                            {
                                errors[j] = errors[j] with { Field = SegmentMapper.FieldFor(errors[j].Field) };
                                eventNames[j] = outcome.EventName;
                            }
                        }
                        else
                        {
                            outcomes.Add((outcome, i));
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body.Value.Array!);
            }
        }

        services.Activity.Touch(target);
        var recorded = 0;
        foreach (var (outcome, index) in outcomes)
        {
            if (outcome.Kind == SegmentOutcomeKind.Rejected)
            {
                metrics.Rejected(outcome.Field!);
                if (recorded++ < IngestActivity.MaxRejectionsPerRequest)
                {
                    services.Activity.Reject(target, IngestActivity.SegmentChannel, outcome.EventName, outcome.Field!, outcome.Reason!);
                }
            }
        }
        for (var j = 0; j < errors.Count; j++)
        {
            metrics.Rejected(errors[j].Field);
            if (recorded++ < IngestActivity.MaxRejectionsPerRequest)
            {
                services.Activity.Reject(target, IngestActivity.SegmentChannel, eventNames.GetValueOrDefault(j), errors[j].Field, errors[j].Reason);
            }
        }
        if (valid.Count > 0)
        {
            AppendResult result;
            try
            {
                result = await appender.AppendAsync(valid, ct);
            }
            catch (LogUnavailableException ex)
            {
                return IngestHttp.Unavailable(http, ex.RetryAfter, ex.Message);
            }
            catch (LogRejectedException ex)
            {
                // Segment answers 200 for events it drops; the reason is on the ingest keys page.
                services.Activity.Reject(target, IngestActivity.SegmentChannel, null, "$", ex.Message);
                return TypedResults.Ok(new SegmentSuccess(true));
            }
            metrics.Accepted(valid.Count, valid.Count - result.InsertedCount);
        }
        return TypedResults.Ok(new SegmentSuccess(true));
    }

    /// <summary>The user name of an HTTP Basic header (Segment's write key), or null.</summary>
    internal static string? BasicUser(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization) || !AuthenticationHeaderValue.TryParse(authorization, out var header) ||
            !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is not { Length: > 0 and <= 1024 } encoded)
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[768];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(bytes[..length]);
        var colon = text.IndexOf(':');
        return colon < 0 ? text : text[..colon];
    }

    private static ProblemHttpResult TooLarge() =>
        IngestHttp.Problem(StatusCodes.Status400BadRequest, "Request too large",
            $"A request may be at most {SegmentMapper.MaxBatchBytes / 1024} KB (and one message at most {SegmentMapper.MaxMessageBytes / 1024} KB), Segment's limits; split the batch.");

}

/// <summary>The Segment endpoints' services, bound from the container as one parameter (<c>[AsParameters]</c>).</summary>
/// <param name="Authenticator">Resolves the write key (an ingest key) to its campaign.</param>
/// <param name="Throttle">Counts wrong keys per client address.</param>
/// <param name="Validator">Checks each mapped event as our own API does.</param>
/// <param name="Appender">Appends accepted events to the log.</param>
/// <param name="Admission">Bounds requests being parsed; closed while paused.</param>
/// <param name="Metrics">Accepted, rejected and refused counts.</param>
/// <param name="Mapper">Segment messages → our events.</param>
/// <param name="Mappings">Each campaign's own event names.</param>
/// <param name="Activity">Last event per key and the rejected events, written behind the request.</param>
/// <param name="Time">The clock (receivedAt of the skew correction).</param>
public sealed record SegmentServices(
    IngestKeyAuthenticator Authenticator,
    IngestKeyThrottle Throttle,
    EventValidator Validator,
    IEventLog Appender,
    IngestAdmission Admission,
    Crowdstart.Pipeline.Observability.PipelineMetrics Metrics,
    SegmentMapper Mapper,
    SegmentMappingCache Mappings,
    IngestActivity Activity,
    TimeProvider Time);
