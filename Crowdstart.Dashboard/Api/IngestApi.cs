using System.Buffers;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Log;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using Npgsql;

namespace Crowdstart.Dashboard.Api;

/// <summary>The collection API: <c>POST /api/v1/events</c>.</summary>
public static class IngestApi
{
    /// <summary>The one ingest route.</summary>
    public const string EventsRoute = "/api/v1/events";

    /// <summary>Maps the ingest routes.</summary>
    public static RouteGroupBuilder MapIngestApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Ingestion");
        group.MapPost("/events", IngestAsync)
            .WithName("IngestEvents")
            .WithSummary("Append events to the campaign's log")
            .WithDescription(
                "Body: a JSON array of events (application/json) or one event per line (application/x-ndjson). " +
                "Authenticate with the campaign's ingest key: 'Authorization: Bearer <key>'. Each event is validated on its own; " +
                "202 means the accepted events are committed durably. Duplicate eventIds are stored once.")
            // Documented by a transformer rather than .Accepts(): Accepts metadata makes routing skip the endpoint
            // for other content types, and a wrong Content-Type deserves a 415 ProblemDetails from us.
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                var events = await context.GetOrCreateSchemaAsync(typeof(IngestEventDoc[]), null, ct);
                var single = await context.GetOrCreateSchemaAsync(typeof(IngestEventDoc), null, ct);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "A JSON array of events, or NDJSON with one event per line.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = events },
                        ["application/x-ndjson"] = new() { Schema = single },
                    },
                };
            })
            .Produces<IngestResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            // Authenticated by the campaign's ingest key in the handler, not by a user: no user policy applies.
            .AllowAnonymous()
            .DisableAntiforgery();
        return group;
    }

    internal static async Task<Results<Accepted<IngestResponse>, ProblemHttpResult>> IngestAsync(HttpContext http, [AsParameters] IngestServices services,
        CancellationToken ct)
    {
        var result = await IngestCoreAsync(http, services, ct);
        if (result.Result is ProblemHttpResult refused)
        {
            services.Metrics.Refused(refused.StatusCode);
        }
        return result;
    }

    private static async Task<Results<Accepted<IngestResponse>, ProblemHttpResult>> IngestCoreAsync(HttpContext http, IngestServices services,
        CancellationToken ct)
    {
        var (authenticator, throttle, validator, appender, admission, options, metrics, activity) = services;
        var limits = options.Value;
        var client = http.Connection.RemoteIpAddress;
        if (throttle.RetryAfter(client) is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return IngestHttp.Problem(StatusCodes.Status429TooManyRequests, "Too many invalid ingest keys",
                "This address sent too many invalid ingest keys; retry after the time in Retry-After with an active key.");
        }
        var authorization = http.Request.Headers.Authorization.ToString() is { Length: > 0 } h ? h : null;
        IngestTarget? target;
        try
        {
            target = await authenticator.AuthenticateAsync(authorization, ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return IngestHttp.Unavailable(http, TimeSpan.FromSeconds(2), "The key store is unavailable; retry shortly.");
        }
        if (target is null)
        {
            // Only a presented key counts: a client that sends none is misconfigured, not guessing.
            if (authorization is not null)
            {
                throttle.RecordFailure(client);
            }
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return IngestHttp.Problem(StatusCodes.Status401Unauthorized, "Invalid ingest key",
                "Send 'Authorization: Bearer <key>' with an active ingest key of the campaign.");
        }

        if (http.Request.ContentLength > limits.MaxRequestBytes)
        {
            return TooLarge(limits);
        }
        if (admission.PausedFor() is { } paused)
        {
            return IngestHttp.Unavailable(http, paused, "Ingest is paused; retry after the time in Retry-After.");
        }
        if (!appender.HasRoomFor(limits.MaxEventsPerRequest))
        {
            return IngestHttp.Unavailable(http, TimeSpan.FromSeconds(1), "The event log is saturated; retry after the time in Retry-After.");
        }
        IngestBatch batch;
        // The turn covers the body's bytes and its parse; the wait for the commit is bounded by the append queue instead.
        using (var turn = await admission.EnterAsync(ct))
        {
            if (!turn.IsAcquired)
            {
                return IngestHttp.Unavailable(http, TimeSpan.FromSeconds(1), "Ingest is at capacity; retry after the time in Retry-After.");
            }
            var body = await IngestHttp.ReadBodyAsync(http, limits.MaxRequestBytes, ct);
            if (body is null)
            {
                return TooLarge(limits);
            }
            try
            {
                // Validation copies what it keeps, so the body and its parse are released before the commit wait.
                batch = IngestBatch.Read(body.Value.AsMemory(), http.Request.ContentType, target, validator, limits);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body.Value.Array!);
            }
        }
        if (batch.Problem is { } problem)
        {
            return IngestHttp.Problem(problem.StatusCode, problem.Title, problem.Detail);
        }
        var (_, valid, errors, redactions) = batch;

        activity.Touch(target);
        for (var i = 0; i < errors.Count; i++)
        {
            metrics.Rejected(errors[i].Field);
            if (i < IngestActivity.MaxRejectionsPerRequest)
            {
                activity.Reject(target, IngestActivity.ApiChannel, batch.RejectedTypes.GetValueOrDefault(errors[i].Index), errors[i].Field, errors[i].Reason);
            }
        }
        if (valid.Count == 0)
        {
            return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "No valid events",
                Detail = "Every event in the request was rejected; see 'rejected' for the field and reason of each.",
                Extensions = { ["accepted"] = 0, ["rejected"] = errors },
            });
        }

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
            return IngestHttp.Problem(StatusCodes.Status422UnprocessableEntity, "Events refused", ex.Message);
        }
        var duplicates = valid.Count - result.InsertedCount;
        metrics.Accepted(valid.Count, duplicates);
        return TypedResults.Accepted((string?)null, new IngestResponse(valid.Count, duplicates, errors, redactions));
    }

    private static ProblemHttpResult TooLarge(IngestionOptions limits) =>
        IngestHttp.Problem(StatusCodes.Status413PayloadTooLarge, "Request too large",
            $"A request body may be at most {limits.MaxRequestBytes} bytes and carry at most {limits.MaxEventsPerRequest} events; split the batch.");

}
