using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Hubs;

/// <summary>
/// Caps the browser circuits (Blazor Server's <c>/_blazor</c> WebSocket connections) one account holds at once,
/// <see cref="CampaignHubOptions.MaxCircuitsPerUser"/>; anonymous circuits (sign-in pages) are counted per client
/// address. Each circuit keeps a component tree and render state on the server (about 5 MiB for a campaign page),
/// so a script or a runaway tab loop opening circuits would otherwise grow the server's memory without bound.
/// The connection past the limit is refused with 429 before it reaches SignalR; the others are untouched. Circuits
/// run over WebSockets only: the fallback transports are refused, so the cap cannot be slipped past. The count is
/// this instance's: it bounds the memory this server holds, which is what the cap protects (README, "Many instances").
/// </summary>
public sealed class CircuitConnectionLimit(RequestDelegate next, IOptions<CampaignHubOptions> options, ILogger<CircuitConnectionLimit> logger)
{
    private readonly HubConnectionLimiter _open = new();

    /// <summary>The Blazor circuit path.</summary>
    public const string Path = "/_blazor";

    private static bool IsWebSocketUpgrade(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            && string.Equals(context.Request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase)
        || context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;

    public async Task InvokeAsync(HttpContext context)
    {
        // Only the long-lived WebSocket request holds a circuit; negotiation, the disconnect beacon and other
        // /_blazor/* requests pass through. SignalR adds the WebSocket feature later, in its own pipeline, so the
        // upgrade is recognised from the request itself.
        if (!IsWebSocketUpgrade(context))
        {
            if (context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase))
            {
                // The long-polling and server-sent-events fallbacks would hold circuits this cap does not count.
                await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSockets required",
                    detail: "The dashboard's live connection needs WebSockets; allow them through your proxy.").ExecuteAsync(context);
                return;
            }
            await next(context);
            return;
        }
        var holder = context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } user
            ? "user:" + user
            : "address:" + context.Connection.RemoteIpAddress;
        var limit = options.Value.MaxCircuitsPerUser;
        if (!_open.TryAcquire(holder, limit))
        {
            logger.LogWarning("Refused a browser circuit: {Holder} already holds {Limit}", holder, limit);
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many open dashboard tabs",
                detail: $"This account already has {limit} dashboard tabs open; close one and reload.").ExecuteAsync(context);
            return;
        }
        try
        {
            await next(context);
        }
        finally
        {
            _open.Release(holder);
        }
    }
}
