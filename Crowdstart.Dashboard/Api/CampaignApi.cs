using Crowdstart.Dashboard.Services;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdstart.Dashboard.Api;

/// <summary>A campaign as API clients see it.</summary>
public sealed record CampaignDto(Guid Id, string Slug, string Name, string Currency, decimal Goal, DateTimeOffset LaunchAt, DateTimeOffset? EndAt);

/// <summary>An ingest key as listed (never the key itself).</summary>
public sealed record IngestKeyDto(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A key just created: <see cref="Key"/> is shown this once.</summary>
public sealed record CreatedIngestKeyDto(Guid Id, string Name, string Prefix, string Key);

/// <summary>Body of a key creation.</summary>
public sealed record CreateKeyRequest(string? Name);

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
        var campaigns = routes.MapGroup("/api/v1/campaigns").WithTags("Campaigns").RequireAuthorization();
        campaigns.MapGet("/", ListAsync).WithSummary("Campaigns the signed-in user may see.");
        var one = campaigns.MapGroup("/{campaignId:guid}");
        one.MapGet("/snapshot", SnapshotAsync).RequireAuthorization(Policies.CampaignReader)
            .WithSummary("The campaign's current metrics (pre-computed aggregates).");
        one.MapPost("/access-requests", RequestAccessAsync).RequireAuthorization(Policies.CampaignReader)
            .WithSummary("Ask an admin for customer-level access to the campaign, with a reason.");
        one.MapGet("/keys", ListKeysAsync).RequireAuthorization(Policies.CampaignManager).WithSummary("The campaign's ingest keys.");
        one.MapPost("/keys", CreateKeyAsync).RequireAuthorization(Policies.CampaignManager)
            .WithSummary("Create an ingest key; the response holds the key, shown this once.");
        one.MapDelete("/keys/{keyId:guid}", RevokeKeyAsync).RequireAuthorization(Policies.CampaignManager)
            .WithSummary("Revoke an ingest key; it stops working at once.");
        one.MapGet("/customers", CustomersAsync).RequireAuthorization(Policies.CustomerData)
            .WithSummary("Recently active customers (pseudonymous ids). Needs a live data-access grant; audited.");
        one.MapGet("/customers/{customerId}/events", TimelineAsync).RequireAuthorization(Policies.CustomerData)
            .WithSummary("One customer's event timeline. Needs a live data-access grant; audited.");

        one.MapGet("/alerts", AlertsAsync).RequireAuthorization(Policies.CampaignReader)
            .WithSummary("The campaign's alerts, newest first (status: open, acknowledged, resolved).");
        one.MapPost("/alerts/{alertId:guid}/acknowledge", AcknowledgeAsync).RequireAuthorization(Policies.CampaignManager)
            .WithSummary("Acknowledge an open alert.");
        one.MapPost("/alerts/{alertId:guid}/resolve", ResolveAsync).RequireAuthorization(Policies.CampaignManager)
            .WithSummary("Resolve an alert by hand.");

        routes.MapGet("/api/v1/admin/audit", AuditAsync).WithTags("Admin").RequireAuthorization(Policies.Admin)
            .WithSummary("The audit log, newest first, filtered.");
        return routes;
    }

    private static async Task<Ok<CampaignDto[]>> ListAsync(HttpContext http, CampaignAccess access, CancellationToken ct)
    {
        var list = await access.ReadableCampaignsAsync(ActorOf(http), ct);
        return TypedResults.Ok(list.Select(c => new CampaignDto(c.Id, c.Slug, c.Name, c.Currency.Trim(), c.GoalAmount, c.LaunchAt, c.EndAt)).ToArray());
    }

    private static async Task<Results<Ok<MetricsSnapshot>, NotFound>> SnapshotAsync(Guid campaignId, IMetricsQuery metrics, TimeProvider time,
        CancellationToken ct) =>
        await metrics.GetSnapshotAsync(campaignId, time.GetUtcNow(), ct) is { } snapshot ? TypedResults.Ok(snapshot) : TypedResults.NotFound();

    private static async Task<Results<Created, ValidationProblem, ProblemHttpResult>> RequestAccessAsync(Guid campaignId, AccessRequestBody body,
        HttpContext http, DataAccessGrants grants, CancellationToken ct)
    {
        try
        {
            var request = await grants.RequestAsync(ActorOf(http), campaignId, body.Reason ?? "", ct);
            return TypedResults.Created($"/api/v1/campaigns/{campaignId}/access-requests/{request.Id}");
        }
        catch (ArgumentException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [ex.ForUser()] });
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<Ok<IngestKeyDto[]>> ListKeysAsync(Guid campaignId, HttpContext http, IngestKeys keys, CancellationToken ct)
    {
        var list = await keys.ListAsync(ActorOf(http), campaignId, ct);
        return TypedResults.Ok(list.Select(k => new IngestKeyDto(k.Id, k.Name, k.Prefix, k.CreatedAt, k.RevokedAt)).ToArray());
    }

    private static async Task<Results<Created<CreatedIngestKeyDto>, ValidationProblem>> CreateKeyAsync(Guid campaignId, CreateKeyRequest body,
        HttpContext http, IngestKeys keys, CancellationToken ct)
    {
        try
        {
            var (key, plaintext) = await keys.CreateAsync(ActorOf(http), campaignId, body.Name ?? "", ct);
            return TypedResults.Created($"/api/v1/campaigns/{campaignId}/keys/{key.Id}", new CreatedIngestKeyDto(key.Id, key.Name, key.Prefix, plaintext));
        }
        catch (ArgumentException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [ex.ForUser()] });
        }
    }

    private static async Task<Results<NoContent, NotFound>> RevokeKeyAsync(Guid campaignId, Guid keyId, HttpContext http, IngestKeys keys,
        CancellationToken ct)
    {
        try
        {
            await keys.RevokeAsync(ActorOf(http), campaignId, keyId, ct);
            return TypedResults.NoContent();
        }
        catch (InvalidOperationException)
        {
            return TypedResults.NotFound();
        }
    }

    private static async Task<Ok<IReadOnlyList<CustomerSummary>>> CustomersAsync(Guid campaignId, HttpContext http, CustomerData data,
        int? limit, CancellationToken ct) =>
        TypedResults.Ok(await data.CustomersAsync(ActorOf(http), campaignId, limit ?? 100, ct));

    private static async Task<Results<Ok<IReadOnlyList<TimelineEvent>>, ValidationProblem>> TimelineAsync(Guid campaignId, string customerId,
        HttpContext http, CustomerData data, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await data.TimelineAsync(ActorOf(http), campaignId, customerId, ct));
        }
        catch (ArgumentException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["customerId"] = [ex.ForUser()] });
        }
    }

    private static async Task<Ok<List<Pipeline.Storage.Entities.Alert>>> AlertsAsync(Guid campaignId, Pipeline.Alerts.AlertStore alerts, string? status,
        string? detector, CancellationToken ct) =>
        TypedResults.Ok(await alerts.HistoryAsync(campaignId, new Pipeline.Alerts.AlertQuery(status, detector), ct));

    private static Task<Results<Ok<Pipeline.Storage.Entities.Alert>, NotFound, ProblemHttpResult>> AcknowledgeAsync(Guid campaignId, Guid alertId, HttpContext http,
        Pipeline.Alerts.AlertStore alerts, CancellationToken ct) =>
        ChangeAlertAsync(() => alerts.AcknowledgeAsync(ActorOf(http), campaignId, alertId, ct));

    private static Task<Results<Ok<Pipeline.Storage.Entities.Alert>, NotFound, ProblemHttpResult>> ResolveAsync(Guid campaignId, Guid alertId, HttpContext http,
        Pipeline.Alerts.AlertStore alerts, CancellationToken ct) =>
        ChangeAlertAsync(() => alerts.ResolveAsync(ActorOf(http), campaignId, alertId, ct));

    private static async Task<Results<Ok<Pipeline.Storage.Entities.Alert>, NotFound, ProblemHttpResult>> ChangeAlertAsync(Func<Task<Pipeline.Storage.Entities.Alert>> change)
    {
        try
        {
            return TypedResults.Ok(await change());
        }
        catch (InvalidOperationException ex) when (ex.Message == "Unknown alert.")
        {
            return TypedResults.NotFound();
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<Ok<AuditPage>> AuditAsync(HttpContext http, AuditLog audit, DateTimeOffset? from, DateTimeOffset? to, string? action,
        Guid? campaignId, string? actor, string? customerId, int? skip, int? take, CancellationToken ct)
    {
        var (entries, total) = await audit.QueryAsync(new AuditQuery(from, to, action, campaignId, actor, customerId, skip ?? 0, take ?? 50), ct);
        return TypedResults.Ok(new AuditPage(total, entries));
    }

    /// <summary>A page of audit entries and the number of all matches.</summary>
    public sealed record AuditPage(int Total, IReadOnlyList<Pipeline.Storage.Entities.AuditEntry> Entries);

    // Every route above requires an authenticated user, so the actor is always there.
    private static Actor ActorOf(HttpContext http) => Actor.From(http.User) ?? throw new AccessDeniedException("Sign in first.");
}
