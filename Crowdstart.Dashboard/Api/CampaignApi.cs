using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Recommendations;
using Crowdstart.Dashboard.Utils;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdstart.Dashboard.Api;

/// <summary>A campaign as API clients see it.</summary>
public sealed record CampaignDto(Guid Id, string Slug, string Name, string Currency, decimal Goal, DateTimeOffset LaunchAt, DateTimeOffset? EndAt,
    DateTimeOffset? ArchivedAt = null);

/// <summary>
/// An ingest key as listed (never the key itself); <c>LastEventAt</c>: when it last brought an event (accepted or
/// rejected), a few seconds behind, null if never.
/// </summary>
public sealed record IngestKeyDto(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastEventAt);

/// <summary>A key just created: <see cref="Key"/> is shown this once.</summary>
public sealed record CreatedIngestKeyDto(Guid Id, string Name, string Prefix, string Key);

/// <summary>Body of a key creation.</summary>
public sealed record CreateKeyRequest(string? Name);

/// <summary>A recommendation with the link that opens the explorer on the query showing its evidence.</summary>
public sealed record RecommendationDto(string RuleKey, string Title, RecommendationEvidence Evidence, string ExpectedEffect, decimal ExpectedValue,
    string EffectHelp, RecommendationQuery Explore, string ExploreUrl)
{
    public static RecommendationDto From(Guid campaignId, Recommendation r) =>
        new(r.RuleKey, r.Title, r.Evidence, r.ExpectedEffect, r.ExpectedValue, r.EffectHelp, r.Explore, DashboardUrls.Explore(campaignId, r.Explore));
}

/// <summary>Body of an access request.</summary>
public sealed record AccessRequestBody(string? Reason);

/// <summary>
/// The signed-in user's JSON API over campaigns (cookie authentication, same policies as the pages). Every route
/// names its policy; campaign-scoped policies check the <c>campaignId</c> in the route against the user.
/// </summary>
public static class CampaignApi
{
    public static IEndpointRouteBuilder MapCampaignApi(this IEndpointRouteBuilder routes)
    {
        // Refusals (403), unknown ids (404), clashes (409) and invalid input (400) come from DomainExceptionHandler;
        // the metadata below only tells OpenAPI about them.
        var campaigns = routes.MapGroup("/api/v1/campaigns").WithTags("Campaigns").RequireAuthorization();
        campaigns.MapGet("/", ListAsync).WithSummary("Campaigns the signed-in user may see.");
        var one = campaigns.MapGroup("/{campaignId:guid}").ProducesProblem(StatusCodes.Status403Forbidden);
        one.MapGet("/snapshot", SnapshotAsync).RequireAuthorization(Policies.CampaignReader)
            .WithSummary("The campaign's current metrics (pre-computed aggregates).");
        one.MapGet("/forecast", ForecastAsync).RequireAuthorization(Policies.CampaignReader)
            .WithSummary("Where the campaign is heading: projected final total with an 80 % interval, chance of reaching the goal, " +
                "projected day the goal is reached, how the forecast moved, and what drives it (or why there is no forecast).");
        one.MapGet("/recommendations", RecommendationsAsync).RequireAuthorization(Policies.CampaignReader)
            .WithSummary("What to do now: at most three recommendations, most valuable first, each with its evidence, expected effect and " +
                "an explorer link; dismissed ones are left out until their evidence changes materially.");
        one.MapPost("/recommendations/{ruleKey}/dismiss", DismissRecommendationAsync).RequireAuthorization(Policies.CampaignManager)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Dismiss the rule's current recommendation; it stays hidden until its evidence moves by 25 % or names another " +
                "subject (404: unknown rule; 409: the rule has no recommendation now).");
        one.MapPost("/access-requests", RequestAccessAsync).RequireAuthorization(Policies.CampaignReader)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Ask an admin for customer-level access to the campaign, with a reason.");
        one.MapGet("/keys", ListKeysAsync).RequireAuthorization(Policies.CampaignManager).WithSummary("The campaign's ingest keys.");
        one.MapPost("/keys", CreateKeyAsync).RequireAuthorization(Policies.CampaignManager).ProducesValidationProblem()
            .WithSummary("Create an ingest key; the response holds the key, shown this once.");
        one.MapDelete("/keys/{keyId:guid}", RevokeKeyAsync).RequireAuthorization(Policies.CampaignManager)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Revoke an ingest key; it stops working at once.");
        one.MapIngestConnectionApi();
        one.MapGet("/customers", CustomersAsync).RequireAuthorization(Policies.CustomerData).ProducesValidationProblem()
            .WithSummary("A page of the campaign's customers (pseudonymous ids): search (part of an id, any case), status (all, pledged, " +
                "refunded, abandoned), sort (lastSeen, firstSeen, events, pledged), order (desc, asc), page (from 1), pageSize (1–" +
                $"{CustomerData.MaxPageSize}). Needs a live data-access grant; audited.");
        one.MapGet("/customers/{customerId}/events", TimelineAsync).RequireAuthorization(Policies.CustomerData).ProducesValidationProblem()
            .WithSummary("One customer's event timeline. Needs a live data-access grant; audited.");

        one.MapGet("/alerts", AlertsAsync).RequireAuthorization(Policies.CampaignReader)
            .WithSummary("The campaign's alerts, newest first (status: open, acknowledged, resolved).");
        one.MapPost("/alerts/{alertId:guid}/acknowledge", AcknowledgeAsync).RequireAuthorization(Policies.CampaignManager)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Acknowledge an open alert (404: no such alert in the campaign; 409: it is not open).");
        one.MapPost("/alerts/{alertId:guid}/resolve", ResolveAsync).RequireAuthorization(Policies.CampaignManager)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Resolve an alert by hand (404: no such alert in the campaign; 409: it is already resolved).");
        one.MapGet("/alerts/mutes", MutesAsync).RequireAuthorization(Policies.CampaignReader)
            .WithSummary("The campaign's alert mutes: those in force or planned first, then the last ended ones.");
        one.MapPost("/alerts/mutes", MuteAsync).RequireAuthorization(Policies.CampaignManager)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Mute the campaign's alerts from startsAt (now when left out) until endsAt, at most 7 days, with a reason. Alerts " +
                "opening meanwhile are recorded but stay off the banner and are not sent to webhooks; those still live when the mute " +
                "ends are sent then (400: a field is invalid, named in errors; 409: it overlaps another mute).");
        one.MapDelete("/alerts/mutes/{muteId:guid}", EndMuteAsync).RequireAuthorization(Policies.CampaignManager)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("End a mute now, or cancel a planned one; the alerts it held go out at once (404: no such mute in the campaign; " +
                "409: it is over already).");
        one.MapGet("/webhooks", WebhooksAsync).RequireAuthorization(Policies.CampaignManager)
            .WithSummary("The campaign's alert webhooks (never their secrets).");
        one.MapPost("/webhooks", CreateWebhookAsync).RequireAuthorization(Policies.CampaignManager).ProducesValidationProblem()
            .WithSummary("Add an alert webhook: url and format (json: signed JSON events, the default; slack, discord or teams: that " +
                "service's incoming-webhook message). The response holds the signing secret, shown this once.");
        one.MapDelete("/webhooks/{webhookId:guid}", DeleteWebhookAsync).RequireAuthorization(Policies.CampaignManager)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Remove a webhook; nothing more is delivered to it.");
        one.MapPost("/webhooks/{webhookId:guid}/test", TestWebhookAsync).RequireAuthorization(Policies.CampaignManager)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Send a test message (a sample alert, event webhook.test) to the webhook in its format; it shows in the delivery log " +
                "(404: no such webhook in the campaign).");
        one.MapGet("/webhooks/deliveries", DeliveriesAsync).RequireAuthorization(Policies.CampaignManager)
            .WithSummary("The delivery log, newest first (status: pending, delivered, failed, or muted: held by a mute and dropped " +
                "because the alert resolved during it).");

        routes.MapGet("/api/v1/admin/audit", AuditAsync).WithTags("Admin").RequireAuthorization(Policies.Admin)
            .WithSummary("The audit log, newest first, filtered.");
        return routes;
    }

    private static async Task<Ok<CampaignDto[]>> ListAsync(HttpContext http, CampaignAccess access, CancellationToken ct)
    {
        var list = await access.ReadableCampaignsAsync(ActorOf(http), ct);
        return TypedResults.Ok(list.Select(c => new CampaignDto(c.Id, c.Slug, c.Name, c.Currency.Trim(), c.GoalAmount, c.LaunchAt, c.EndAt, c.ArchivedAt)).ToArray());
    }

    private static async Task<Results<Ok<MetricsSnapshot>, NotFound>> SnapshotAsync(Guid campaignId, IMetricsQuery metrics, TimeProvider time,
        CancellationToken ct) =>
        await metrics.GetSnapshotAsync(campaignId, time.GetUtcNow(), ct) is { } snapshot ? TypedResults.Ok(snapshot) : TypedResults.NotFound();

    private static async Task<Results<Ok<ForecastView>, NotFound>> ForecastAsync(Guid campaignId, ForecastQuery forecasts, CancellationToken ct) =>
        await forecasts.GetAsync(campaignId, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static async Task<Results<Ok<RecommendationDto[]>, NotFound>> RecommendationsAsync(Guid campaignId, RecommendationService recommendations,
        CancellationToken ct) =>
        await recommendations.GetAsync(campaignId, ct) is { } list
            ? TypedResults.Ok(list.Select(r => RecommendationDto.From(campaignId, r)).ToArray())
            : TypedResults.NotFound();

    private static async Task<Ok<Dismissal>> DismissRecommendationAsync(Guid campaignId, string ruleKey, HttpContext http,
        RecommendationService recommendations, CancellationToken ct) =>
        TypedResults.Ok(await recommendations.DismissAsync(ActorOf(http), campaignId, ruleKey, ct));

    private static async Task<Created> RequestAccessAsync(Guid campaignId, AccessRequestBody body, HttpContext http, DataAccessGrants grants,
        CancellationToken ct)
    {
        var request = await grants.RequestAsync(ActorOf(http), campaignId, body.Reason ?? "", ct);
        return TypedResults.Created($"/api/v1/campaigns/{campaignId}/access-requests/{request.Id}");
    }

    private static async Task<Ok<IngestKeyDto[]>> ListKeysAsync(Guid campaignId, HttpContext http, IngestKeys keys, CancellationToken ct)
    {
        var list = await keys.ListAsync(ActorOf(http), campaignId, ct);
        return TypedResults.Ok(list.Select(k => new IngestKeyDto(k.Id, k.Name, k.Prefix, k.CreatedAt, k.RevokedAt, k.LastEventAt)).ToArray());
    }

    private static async Task<Created<CreatedIngestKeyDto>> CreateKeyAsync(Guid campaignId, CreateKeyRequest body, HttpContext http, IngestKeys keys,
        CancellationToken ct)
    {
        var (key, plaintext) = await keys.CreateAsync(ActorOf(http), campaignId, body.Name ?? "", ct);
        return TypedResults.Created($"/api/v1/campaigns/{campaignId}/keys/{key.Id}", new CreatedIngestKeyDto(key.Id, key.Name, key.Prefix, plaintext));
    }

    private static async Task<NoContent> RevokeKeyAsync(Guid campaignId, Guid keyId, HttpContext http, IngestKeys keys, CancellationToken ct)
    {
        await keys.RevokeAsync(ActorOf(http), campaignId, keyId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<CustomerPage>> CustomersAsync(Guid campaignId, HttpContext http, CustomerData data,
        [AsParameters] CustomerListParameters query, CancellationToken ct) =>
        TypedResults.Ok(await data.CustomerPageAsync(ActorOf(http), campaignId, query.ToQuery(), ct));

    private static async Task<Ok<IReadOnlyList<TimelineEvent>>> TimelineAsync(Guid campaignId, string customerId, HttpContext http, CustomerData data,
        CancellationToken ct) =>
        TypedResults.Ok(await data.TimelineAsync(ActorOf(http), campaignId, customerId, ct));

    private static async Task<Ok<AlertDto[]>> AlertsAsync(Guid campaignId, AlertStore alerts, string? status, string? detector, CancellationToken ct) =>
        TypedResults.Ok((await alerts.HistoryAsync(campaignId, new AlertQuery(status, detector), ct)).Select(AlertDto.From).ToArray());

    private static async Task<Ok<AlertDto>> AcknowledgeAsync(Guid campaignId, Guid alertId, HttpContext http, AlertStore alerts, CancellationToken ct) =>
        TypedResults.Ok(AlertDto.From(await alerts.AcknowledgeAsync(ActorOf(http), campaignId, alertId, ct)));

    private static async Task<Ok<AlertDto>> ResolveAsync(Guid campaignId, Guid alertId, HttpContext http, AlertStore alerts, CancellationToken ct) =>
        TypedResults.Ok(AlertDto.From(await alerts.ResolveAsync(ActorOf(http), campaignId, alertId, ct)));

    private static async Task<Ok<AlertMuteDto[]>> MutesAsync(Guid campaignId, AlertMuteStore mutes, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return TypedResults.Ok((await mutes.MutesAsync(campaignId, ct)).Select(m => AlertMuteDto.From(m, now)).ToArray());
    }

    private static async Task<Created<AlertMuteDto>> MuteAsync(Guid campaignId, CreateMuteRequest body, HttpContext http, AlertMuteStore mutes,
        TimeProvider time, CancellationToken ct)
    {
        var mute = await mutes.MuteAsync(ActorOf(http), campaignId, body.StartsAt, body.EndsAt, body.Reason, ct);
        return TypedResults.Created($"/api/v1/campaigns/{campaignId}/alerts/mutes/{mute.Id}", AlertMuteDto.From(mute, time.GetUtcNow()));
    }

    private static async Task<Ok<AlertMuteDto>> EndMuteAsync(Guid campaignId, Guid muteId, HttpContext http, AlertMuteStore mutes, TimeProvider time,
        CancellationToken ct) =>
        TypedResults.Ok(AlertMuteDto.From(await mutes.EndMuteAsync(ActorOf(http), campaignId, muteId, ct), time.GetUtcNow()));

    private static async Task<Ok<WebhookDto[]>> WebhooksAsync(Guid campaignId, HttpContext http, WebhookStore webhooks, CancellationToken ct) =>
        TypedResults.Ok((await webhooks.ListAsync(ActorOf(http), campaignId, ct)).Select(WebhookDto.From).ToArray());

    private static async Task<Created<CreatedWebhookDto>> CreateWebhookAsync(Guid campaignId, CreateWebhookRequest body, HttpContext http,
        WebhookStore webhooks, CancellationToken ct)
    {
        var hook = await webhooks.CreateAsync(ActorOf(http), campaignId, body.Url ?? "", body.Format, ct);
        return TypedResults.Created($"/api/v1/campaigns/{campaignId}/webhooks/{hook.Id}",
            new CreatedWebhookDto(hook.Id, hook.Url, hook.Format, hook.CreatedAt, hook.Secret));
    }

    private static async Task<NoContent> DeleteWebhookAsync(Guid campaignId, Guid webhookId, HttpContext http, WebhookStore webhooks, CancellationToken ct)
    {
        await webhooks.DeleteAsync(ActorOf(http), campaignId, webhookId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Accepted> TestWebhookAsync(Guid campaignId, Guid webhookId, HttpContext http, WebhookStore webhooks, CancellationToken ct)
    {
        await webhooks.SendTestAsync(ActorOf(http), campaignId, webhookId, ct);
        return TypedResults.Accepted($"/api/v1/campaigns/{campaignId}/webhooks/deliveries");
    }

    private static async Task<Ok<WebhookDeliveryDto[]>> DeliveriesAsync(Guid campaignId, HttpContext http, WebhookStore webhooks, int? take,
        CancellationToken ct) =>
        TypedResults.Ok((await webhooks.DeliveriesAsync(ActorOf(http), campaignId, take ?? 100, ct)).Select(WebhookDeliveryDto.From).ToArray());

    private static async Task<Ok<AuditPage>> AuditAsync(HttpContext http, AuditLog audit, DateTimeOffset? from, DateTimeOffset? to, string? action,
        Guid? campaignId, string? actor, string? customerId, int? skip, int? take, CancellationToken ct)
    {
        var (entries, total) = await audit.QueryAsync(new AuditQuery(from, to, action, campaignId, actor, customerId, skip ?? 0, take ?? 50), ct);
        return TypedResults.Ok(new AuditPage(total, [.. entries.Select(AuditEntryDto.From)]));
    }

    /// <summary>A page of audit entries and the number of all matches.</summary>
    public sealed record AuditPage(int Total, IReadOnlyList<AuditEntryDto> Entries);

    // Every route above requires an authenticated user, so the actor is always there.
    private static Actor ActorOf(HttpContext http) => Actor.From(http.User) ?? throw new AccessDeniedException("Sign in first.");
}
