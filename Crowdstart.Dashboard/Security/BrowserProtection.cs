using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Security;

/// <summary>
/// What the browser is told and what it must prove, on every response and request:
/// <list type="bullet">
/// <item>A Content-Security-Policy that runs only the app's own script files (plus the import map Blazor renders
/// inline, by a per-response nonce): markup that slipped into a page through data cannot run script, not even
/// through an event-handler attribute. Styles allow inline use because MudBlazor and ApexCharts set them at run
/// time; <c>nosniff</c>, a same-origin referrer and no framing complete it.</item>
/// <item>The live connections (<c>/hubs/*</c>, Blazor's <c>/_blazor</c>) accept a browser only from the app's own
/// origins: the auth cookie is SameSite=Strict, but a page on another port or a sibling subdomain is the same
/// <em>site</em> and would otherwise stream a signed-in creator's data.</item>
/// <item>A state-changing API request signed in by cookie must come from an allowed origin and carry
/// <see cref="BrowserProtectionOptions.RequestHeader"/>: a form on another page of the same site cannot set a
/// header, and a script there cannot either without a CORS grant this app never gives. Requests with a bearer
/// token (personal API tokens, ingest keys) carry no ambient credential and are not affected.</item>
/// </list>
/// </summary>
public sealed class BrowserProtection(RequestDelegate next, IOptions<BrowserProtectionOptions> options, ILogger<BrowserProtection> logger)
{
    private const string NonceItem = "crowdstart.csp-nonce";

    /// <summary>The nonce of this response's Content-Security-Policy, for the inline scripts the app itself renders.</summary>
    public static string? NonceOf(HttpContext? http) => http?.Items[NonceItem] as string;

    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        if (IsLiveConnection(request.Path) && !OriginAllowed(http))
        {
            logger.LogWarning("Refused a live connection to {Path} from origin {Origin}", request.Path, request.Headers.Origin.ToString());
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Origin not allowed",
                detail: "Live connections are accepted only from the dashboard's own pages.").ExecuteAsync(http);
            return;
        }
        if (IsCookieStateChange(request) && (!OriginAllowed(http) || string.IsNullOrEmpty(request.Headers[BrowserProtectionOptions.RequestHeader])))
        {
            logger.LogWarning("Refused a cookie-authenticated {Method} {Path} from origin {Origin} without proof of origin",
                request.Method, request.Path, request.Headers.Origin.ToString());
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Request origin not proven",
                detail: $"A state-changing request signed in by cookie must come from the dashboard's own origin and send the header " +
                    $"'{BrowserProtectionOptions.RequestHeader}'. Scripts should use a personal API token instead.").ExecuteAsync(http);
            return;
        }
        // A policy only means something for documents: JSON answers (ingest runs thousands a second) and the live
        // connections get the plain headers without a nonce to draw.
        var document = !request.Path.StartsWithSegments("/api") && !IsLiveConnection(request.Path);
        var nonce = document ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)) : null;
        if (nonce is not null)
        {
            http.Items[NonceItem] = nonce;
        }
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            if (nonce is not null)
            {
                headers.ContentSecurityPolicy =
                    "default-src 'self'; " +
                    $"script-src 'self' 'nonce-{nonce}'; " +
                    "style-src 'self' 'unsafe-inline'; " +
                    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
                    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
                headers.XFrameOptions = "DENY";
                // Campaign ids are in our URLs: other sites learn nothing of where a creator came from.
                headers["Referrer-Policy"] = "same-origin";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
            }
            headers.XContentTypeOptions = "nosniff";
            return Task.CompletedTask;
        });
        await next(http);
    }

    private static bool IsLiveConnection(PathString path) =>
        path.StartsWithSegments("/hubs") || path.StartsWithSegments(Hubs.CircuitConnectionLimit.Path);

    private static bool IsCookieStateChange(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        && request.Path.StartsWithSegments("/api")
        && string.IsNullOrEmpty(request.Headers.Authorization)
        && request.Cookies.ContainsKey(SecurityExtensions.AuthCookieName);

    /// <summary>
    /// Browsers send <c>Origin</c> on every WebSocket handshake and every cross-origin or state-changing request;
    /// programs (the .NET SignalR client, curl) usually send none and hold no victim's cookie.
    /// </summary>
    private bool OriginAllowed(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }
        var own = $"{http.Request.Scheme}://{http.Request.Host.Value}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || options.Value.AllowedOrigins.Any(o => string.Equals(origin, o, StringComparison.OrdinalIgnoreCase));
    }
}
