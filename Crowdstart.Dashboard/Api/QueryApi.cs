using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Query;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdstart.Dashboard.Api;

/// <summary>A result column in the API: its name and whether it is a dimension or a measure.</summary>
public sealed record QueryColumnDto(string Name, string Kind);

/// <summary>An ad-hoc query's answer: columns, rows (values in column order), whether rows were cut, server time.</summary>
public sealed record QueryResponse(IReadOnlyList<QueryColumnDto> Columns, IReadOnlyList<object?[]> Rows, bool Truncated, double ElapsedMilliseconds);

/// <summary><c>POST /api/v1/query</c>: the explorer's typed query model as JSON, for scripts.</summary>
public static class QueryApi
{
    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1").WithTags("Explore").RequireAuthorization(Policies.Programmatic)
            .MapPost("/query", RunAsync)
            .WithSummary("Run an ad-hoc query over the raw events of campaigns you may read.")
            .WithDescription("Signed in by cookie or with a personal API token ('Authorization: Bearer cs_pat_…', created under Account → API tokens). " +
                "The body is the explorer's query model: campaigns, time (absolute or hours since launch), types, filters " +
                "(eq, in, not, contains, gt, gte, lt, lte, between, exists, missing), groupBy, measures, sort, limit (≤ 10,000). " +
                "Grouping or filtering by customer needs a live data-access grant for every campaign and is audited. " +
                "400: validation problems by field; 403: a campaign you may not read or a missing grant; 422: the query ran past the time limit; " +
                "429 with Retry-After: too many queries running or started in the last minute, for you or your organisation, or the explorer is busy.")
            // The errors come from DomainExceptionHandler; this tells OpenAPI about them.
            .ProducesValidationProblem().Produces(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return routes;
    }

    private static async Task<Ok<QueryResponse>> RunAsync(ExploreQuery query, HttpContext http, ExploreService explore, CancellationToken ct)
    {
        var actor = Actor.From(http.User) ?? throw new AccessDeniedException("Sign in first.");
        var result = await explore.RunAsync(actor, query, ct);
        return TypedResults.Ok(new QueryResponse(
            [.. result.Columns.Select(c => new QueryColumnDto(c.Name, c.IsMeasure ? "measure" : "dimension"))],
            result.Rows, result.Truncated, Math.Round(result.Elapsed.TotalMilliseconds, 1)));
    }
}
