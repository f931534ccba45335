using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdstart.Dashboard.Api;

/// <summary>What both ingest doors (our <c>/api/v1/events</c> and Segment's <c>/v1/*</c>) do alike over HTTP.</summary>
internal static class IngestHttp
{
    /// <summary>
    /// Reads the body into a pooled buffer (return its array to the shared pool), or null when it is too large.
    /// Bodies of large batches exceed the large-object threshold (85 KB): a fresh array per request would make every
    /// big batch a gen-2 allocation.
    /// </summary>
    public static async Task<ArraySegment<byte>?> ReadBodyAsync(HttpContext http, int maxBytes, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(http.Request.ContentLength ?? 16 * 1024, 1024, maxBytes + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await http.Request.Body.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0)
                {
                    return new ArraySegment<byte>(buffer, 0, length);
                }
                length += read;
                if (length > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>503 with <c>Retry-After</c> (whole seconds, at least 1), which clients of both doors honour.</summary>
    public static ProblemHttpResult Unavailable(HttpContext http, TimeSpan retryAfter, string detail)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        return Problem(StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable", detail);
    }

    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
