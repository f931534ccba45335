using System.Globalization;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Query;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Crowdstart.Dashboard.Api;

/// <summary>
/// The one place domain errors become HTTP, for every API route: validation → 400 with the errors by field, not
/// found → 404, conflict → 409, forbidden → 403, a query past its time limit → 422, a throttled query → 429 with
/// Retry-After. Endpoints only write their success path; anything else (a bug) stays a 500.
/// </summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not DomainException domain || ToProblem(domain) is not { } problem)
        {
            return false;
        }
        http.Response.StatusCode = problem.Status!.Value;
        if (domain is QueryThrottledException throttled)
        {
            // HTTP clients honour Retry-After: whole seconds, at least one so they never retry at once.
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(throttled.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The ProblemDetails for a domain error, or null for a kind this handler does not know (then a 500, as for any bug).</summary>
    private static ProblemDetails? ToProblem(DomainException exception) => exception switch
    {
        QueryValidationException query => new HttpValidationProblemDetails(query.ErrorsByField())
        {
            Status = StatusCodes.Status400BadRequest, Title = "The query is not valid.",
        },
        DomainValidationException invalid => new HttpValidationProblemDetails(invalid.ErrorsByField())
        {
            Status = StatusCodes.Status400BadRequest, Title = "One or more validation errors occurred.", Detail = invalid.Message,
        },
        NotFoundException => Problem(StatusCodes.Status404NotFound, "Not found", exception),
        ConflictException => Problem(StatusCodes.Status409Conflict, "Conflict", exception),
        AccessDeniedException => Problem(StatusCodes.Status403Forbidden, "Forbidden", exception),
        QueryTimeoutException => Problem(StatusCodes.Status422UnprocessableEntity, "The query is too broad.", exception),
        QueryThrottledException => Problem(StatusCodes.Status429TooManyRequests, "Too many queries", exception),
        _ => null,
    };

    private static ProblemDetails Problem(int status, string title, DomainException exception) =>
        new() { Status = status, Title = title, Detail = exception.Message };
}
