using System.Text.Json;
using Crowdstart.Dashboard.Api;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Query;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Api;

/// <summary>The one mapping of domain errors to HTTP: status, ProblemDetails body and headers, per kind.</summary>
[Layer(TestLayer.Unit)]
public class DomainExceptionHandlerTests
{
    public static TheoryData<string, int, string> Simple => new()
    {
        { "not-found", StatusCodes.Status404NotFound, "Not found" },
        { "conflict", StatusCodes.Status409Conflict, "Conflict" },
        { "forbidden", StatusCodes.Status403Forbidden, "Forbidden" },
        { "timeout", StatusCodes.Status422UnprocessableEntity, "The query is too broad." },
        { "throttled", StatusCodes.Status429TooManyRequests, "Too many queries" },
    };

    private static DomainException Create(string kind) => kind switch
    {
        "not-found" => new NotFoundException("Unknown alert."),
        "conflict" => new ConflictException("The alert is already Resolved."),
        "forbidden" => new AccessDeniedException("You cannot manage this campaign's alerts."),
        "timeout" => new QueryTimeoutException(TimeSpan.FromSeconds(30)),
        "throttled" => new QueryThrottledException("Too many queries of yours are running.", TimeSpan.FromSeconds(2.2)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Simple))]
    public async Task TryHandle_DomainException_WritesItsStatusAndProblemWithTheMessage(string kind, int status, string title)
    {
        // Arrange
        var exception = Create(kind);
        var http = NewContext();

        // Act
        var handled = await Handler(http).TryHandleAsync(http, exception, CancellationToken.None);

        // Assert
        Assert.True(handled);
        Assert.Equal(status, http.Response.StatusCode);
        Assert.StartsWith("application/problem+json", http.Response.ContentType);
        var body = Body(http);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal(title, body.GetProperty("title").GetString());
        Assert.Equal(exception.Message, body.GetProperty("detail").GetString());
        Assert.False(body.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task TryHandle_Throttled_RetryAfterInWholeSecondsRoundedUp()
    {
        // Arrange
        var http = NewContext();

        // Act
        await Handler(http).TryHandleAsync(http, new QueryThrottledException("Busy.", TimeSpan.FromSeconds(2.2)), CancellationToken.None);

        // Assert: rounded up, so a client that honours it does not come back before the budget frees up
        Assert.Equal("3", http.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task TryHandle_ThrottledWithNoWait_RetryAfterAtLeastOneSecond()
    {
        var http = NewContext();

        await Handler(http).TryHandleAsync(http, new QueryThrottledException("Busy.", TimeSpan.Zero), CancellationToken.None);

        Assert.Equal("1", http.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task TryHandle_Validation_400WithTheReasonsByField()
    {
        // Arrange
        var exception = new DomainValidationException(
        [
            new FieldError("rawEventDays", "Retention is between 1 and 3650 days."),
            new FieldError("aggregateDays", "Retention is between 1 and 3650 days."),
            new FieldError("rawEventDays", "A second reason for the same field."),
        ]);
        var http = NewContext();

        // Act
        var handled = await Handler(http).TryHandleAsync(http, exception, CancellationToken.None);

        // Assert
        Assert.True(handled);
        Assert.Equal(StatusCodes.Status400BadRequest, http.Response.StatusCode);
        var body = Body(http);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        // The detail is for people: each reason once, even when several fields share it.
        Assert.Equal("Retention is between 1 and 3650 days. A second reason for the same field.", body.GetProperty("detail").GetString());
        var errors = body.GetProperty("errors");
        Assert.Equal(["Retention is between 1 and 3650 days.", "A second reason for the same field."],
            errors.GetProperty("rawEventDays").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["Retention is between 1 and 3650 days."], errors.GetProperty("aggregateDays").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task TryHandle_QueryValidation_400WithJsonPathsAsFieldsAndTheQueryTitle()
    {
        var http = NewContext();

        await Handler(http).TryHandleAsync(http, new QueryValidationException([new FieldError("groupBy[0]", "is not a dimension")]), CancellationToken.None);

        Assert.Equal(StatusCodes.Status400BadRequest, http.Response.StatusCode);
        var body = Body(http);
        Assert.Equal("The query is not valid.", body.GetProperty("title").GetString());
        Assert.Equal("is not a dimension", body.GetProperty("errors").GetProperty("groupBy[0]")[0].GetString());
    }

    [Fact]
    public async Task TryHandle_OtherException_LeftToTheDefault500()
    {
        // Arrange: a bug must not be dressed up as a client error
        var http = NewContext();

        // Act
        var handled = await Handler(http).TryHandleAsync(http, new InvalidOperationException("Partition 3 has no checkpoint row."), CancellationToken.None);

        // Assert
        Assert.False(handled);
        Assert.Equal(0, http.Response.Body.Length);
    }

    [Fact]
    public void DomainValidationException_NoErrors_IsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => new DomainValidationException([]));
    }

    private static DefaultHttpContext NewContext()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        return new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
    }

    private static DomainExceptionHandler Handler(HttpContext http) => new(http.RequestServices.GetRequiredService<IProblemDetailsService>());

    private static JsonElement Body(HttpContext http)
    {
        http.Response.Body.Position = 0;
        return JsonDocument.Parse(http.Response.Body).RootElement;
    }
}
