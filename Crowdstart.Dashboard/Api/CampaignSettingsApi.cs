using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Utils;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdstart.Dashboard.Api;

/// <summary>A campaign's settings as its managers read and edit them.</summary>
public sealed record CampaignSettingsDto(Guid Id, string Name, string Currency, decimal Goal, DateTimeOffset LaunchAt, DateTimeOffset? EndAt,
    string? TimeZone, DateTimeOffset? ArchivedAt, IReadOnlyList<FunnelStep> Funnel, int CartWindowSeconds, RebuildInfo? Rebuild, bool CanDelete)
{
    public static CampaignSettingsDto From(CampaignSettingsInfo s) => new(s.Campaign.Id, s.Campaign.Name, s.Campaign.Currency.Trim(),
        s.Campaign.GoalAmount, s.Campaign.LaunchAt, s.Campaign.EndAt, s.Campaign.TimeZone, s.Campaign.ArchivedAt,
        FunnelDefinition.Parse(s.Campaign.FunnelJson).Steps, s.Campaign.CartWindowSeconds, s.LatestRebuild, s.CanDelete);
}

/// <summary>Body of a details change (every field is replaced; endAt null = no end date).</summary>
public sealed record UpdateCampaignRequest(string? Name, decimal Goal, DateTimeOffset? EndAt, string? TimeZone);

/// <summary>Body of a metric-definition change.</summary>
public sealed record MetricDefinitionRequest(IReadOnlyList<FunnelStep>? Funnel, int CartWindowSeconds);

/// <summary>A share link as listed (never its token).</summary>
public sealed record ShareLinkDto(Guid Id, string Label, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt,
    long Views, DateTimeOffset? LastViewedAt, bool Live);

/// <summary>Body of a share-link creation: a label and a life of 1–90 days (7 when left out).</summary>
public sealed record CreateShareLinkRequest(string? Label, int? Days);

/// <summary>A share link just created: <see cref="Token"/> and <see cref="Url"/> are shown this once.</summary>
public sealed record CreatedShareLinkDto(Guid Id, string Label, DateTimeOffset ExpiresAt, string Token, string Url);

/// <summary>
/// A campaign's settings and lifecycle for its managers (campaign-manager policy on every route; deleting also
/// needs an admin or the campaign's owner, checked by <see cref="CampaignSettings"/>).
/// </summary>
public static class CampaignSettingsApi
{
    public static IEndpointRouteBuilder MapCampaignSettingsApi(this IEndpointRouteBuilder routes)
    {
        var one = routes.MapGroup("/api/v1/campaigns/{campaignId:guid}").WithTags("Campaign settings")
            .RequireAuthorization(Policies.CampaignManager).ProducesProblem(StatusCodes.Status403Forbidden);
        one.MapGet("/settings", GetAsync).WithSummary("The campaign's settings: details, time zone, metric definition, latest rebuild, archive state.");
        one.MapPut("/settings", UpdateAsync).ProducesValidationProblem()
            .WithSummary("Change name, goal, end date (null: none) and time zone (IANA, e.g. Europe/Paris; null: each viewer's own); 400 names each invalid field.");
        one.MapPut("/metric-definition", ChangeDefinitionAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Change the funnel steps and windows and the cart window. The campaign's metrics are rebuilt from the log in the background " +
                "(202 with the rebuild; follow it at rebuilds/latest); the old figures stay until the new ones replace them at once. 409: a rebuild " +
                "is under way, nothing changes, or retention removed events the figures were made from.");
        one.MapGet("/rebuilds/latest", LatestRebuildAsync).WithSummary("The latest metrics rebuild and its progress (204 when there was none).");
        one.MapPost("/archive", ArchiveAsync).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Archive the campaign: hidden from the overview (shown with ?archived=1), data and pages kept.");
        one.MapPost("/unarchive", UnarchiveAsync).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Show an archived campaign on the overview again.");
        one.MapDelete("", DeleteAsync).ProducesValidationProblem()
            .WithSummary("Delete the campaign and all its data now (admins, or its owner), confirmed by its name in confirmName; audited.");
        one.MapGet("/share-links", ShareLinksAsync).WithSummary("The campaign's read-only share links (never their tokens), with views.");
        one.MapPost("/share-links", CreateShareLinkAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Create a read-only share link of the campaign's aggregates, valid 1–90 days; the response holds its URL, shown this once.");
        one.MapDelete("/share-links/{shareLinkId:guid}", RevokeShareLinkAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Revoke a share link; pages showing it go blank at their next refresh.");
        return routes;
    }

    private static async Task<Ok<CampaignSettingsDto>> GetAsync(Guid campaignId, HttpContext http, CampaignSettings settings, CancellationToken ct) =>
        TypedResults.Ok(CampaignSettingsDto.From(await settings.GetAsync(ActorOf(http), campaignId, ct)));

    private static async Task<Ok<CampaignSettingsDto>> UpdateAsync(Guid campaignId, UpdateCampaignRequest body, HttpContext http, CampaignSettings settings,
        CancellationToken ct)
    {
        var actor = ActorOf(http);
        await settings.UpdateDetailsAsync(actor, campaignId, new CampaignDetails(body.Name, body.Goal, body.EndAt, body.TimeZone), ct);
        return TypedResults.Ok(CampaignSettingsDto.From(await settings.GetAsync(actor, campaignId, ct)));
    }

    private static async Task<Accepted<RebuildInfo>> ChangeDefinitionAsync(Guid campaignId, MetricDefinitionRequest body, HttpContext http,
        CampaignSettings settings, CancellationToken ct) =>
        TypedResults.Accepted($"/api/v1/campaigns/{campaignId}/rebuilds/latest",
            await settings.ChangeDefinitionAsync(ActorOf(http), campaignId, new MetricDefinition(body.Funnel, body.CartWindowSeconds), ct));

    private static async Task<Results<Ok<RebuildInfo>, NoContent>> LatestRebuildAsync(Guid campaignId, HttpContext http, CampaignSettings settings,
        CancellationToken ct) =>
        await settings.LatestRebuildAsync(ActorOf(http), campaignId, ct) is { } rebuild ? TypedResults.Ok(rebuild) : TypedResults.NoContent();

    private static async Task<NoContent> ArchiveAsync(Guid campaignId, HttpContext http, CampaignSettings settings, CancellationToken ct)
    {
        await settings.ArchiveAsync(ActorOf(http), campaignId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> UnarchiveAsync(Guid campaignId, HttpContext http, CampaignSettings settings, CancellationToken ct)
    {
        await settings.UnarchiveAsync(ActorOf(http), campaignId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<CampaignDeletion>> DeleteAsync(Guid campaignId, string? confirmName, HttpContext http, CampaignSettings settings,
        CancellationToken ct) =>
        TypedResults.Ok(await settings.DeleteAsync(ActorOf(http), campaignId, confirmName, ct));

    private static async Task<Ok<ShareLinkDto[]>> ShareLinksAsync(Guid campaignId, HttpContext http, ShareLinks links, TimeProvider time,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var list = await links.ListAsync(ActorOf(http), campaignId, ct);
        return TypedResults.Ok(list.Select(l => new ShareLinkDto(l.Id, l.Label, l.CreatedBy, l.CreatedAt, l.ExpiresAt, l.RevokedAt, l.Views, l.LastViewedAt,
            l.IsLive(now))).ToArray());
    }

    private static async Task<Created<CreatedShareLinkDto>> CreateShareLinkAsync(Guid campaignId, CreateShareLinkRequest body, HttpContext http,
        ShareLinks links, CancellationToken ct)
    {
        var (link, token) = await links.CreateAsync(ActorOf(http), campaignId, body.Label, body.Days ?? 7, ct);
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{DashboardUrls.Shared(token)}";
        return TypedResults.Created($"/api/v1/campaigns/{campaignId}/share-links", new CreatedShareLinkDto(link.Id, link.Label, link.ExpiresAt, token, url));
    }

    private static async Task<NoContent> RevokeShareLinkAsync(Guid campaignId, Guid shareLinkId, HttpContext http, ShareLinks links, CancellationToken ct)
    {
        await links.RevokeAsync(ActorOf(http), campaignId, shareLinkId, ct);
        return TypedResults.NoContent();
    }

    private static Actor ActorOf(HttpContext http) => Actor.From(http.User) ?? throw new AccessDeniedException("Sign in first.");
}
