using System.Net;
using System.Net.Http.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Security;

/// <summary>
/// Roles × every page route, API route and hub method of the running app → the expected outcome. The routes are
/// enumerated from the app itself: a new route without a policy, or one missing from this matrix, fails the test.
/// </summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class AccessMatrixTests(AppFixture app)
{
    private enum Outcome
    {
        /// <summary>Served (2xx, or a conflict of a repeated request that was authorised).</summary>
        Allowed,

        /// <summary>401, or a redirect to the sign-in page.</summary>
        SignIn,

        /// <summary>403 or 404: refused without confirming that the campaign exists.</summary>
        Refused,

        /// <summary>400: the antiforgery token is missing.</summary>
        BadRequest,

        /// <summary>5xx: never expected anywhere.</summary>
        ServerError,
    }

    private static readonly string[] RoleNames = ["anonymous", "creator of org A", "creator of org B", "admin", "creator A, grant expired", "creator A, live grant"];

    private const Outcome A = Outcome.Allowed, S = Outcome.SignIn, R = Outcome.Refused, B = Outcome.BadRequest;

    // Columns follow RoleNames. Campaign, customer and key in the routes belong to organisation A.
    private static readonly Dictionary<string, Outcome[]> Expected = new()
    {
        ["GET /"] = [S, A, A, A, A, A],
        ["GET /account/login"] = [A, A, A, A, A, A],
        ["GET /not-found"] = [A, A, A, A, A, A],
        ["GET /Error"] = [A, A, A, A, A, A],
        ["GET /campaigns/new"] = [S, A, A, A, A, A],
        ["GET /explore"] = [S, A, A, A, A, A],
        ["GET /account/tokens"] = [S, A, A, A, A, A],
        ["POST /campaigns/new"] = [S, B, B, B, B, B],
        ["GET /campaigns/{CampaignId:guid}"] = [S, A, R, A, A, A],
        ["GET /campaigns/{CampaignId:guid}/keys"] = [S, A, R, A, A, A],
        ["GET /campaigns/{CampaignId:guid}/customers"] = [S, R, R, R, R, A],
        ["GET /campaigns/{CampaignId:guid}/customers/{CustomerId}"] = [S, R, R, R, R, A],
        ["GET /campaigns/{CampaignId:guid}/alerts"] = [S, A, R, A, A, A],
        ["POST /campaigns/{CampaignId:guid}/alerts"] = [S, B, R, B, B, B],
        ["GET /campaigns/{CampaignId:guid}/webhooks"] = [S, A, R, A, A, A],
        ["POST /campaigns/{CampaignId:guid}/webhooks"] = [S, B, R, B, B, B],
        ["GET /api/v1/campaigns/{campaignId:guid}/alerts"] = [S, A, R, A, A, A],
        ["POST /api/v1/campaigns/{campaignId:guid}/alerts/{alertId:guid}/acknowledge"] = [S, A, R, A, A, A],
        ["POST /api/v1/campaigns/{campaignId:guid}/alerts/{alertId:guid}/resolve"] = [S, A, R, A, A, A],
        // Mutes: readers see them, creators mute and unmute. After the first creator's mute or unmute the others' repeat is
        // an authorised 409 (overlap / over already).
        ["GET /api/v1/campaigns/{campaignId:guid}/alerts/mutes"] = [S, A, R, A, A, A],
        ["POST /api/v1/campaigns/{campaignId:guid}/alerts/mutes"] = [S, A, R, A, A, A],
        ["DELETE /api/v1/campaigns/{campaignId:guid}/alerts/mutes/{muteId:guid}"] = [S, A, R, A, A, A],
        // Webhooks: creators only (the URLs of chat webhooks carry their tokens); deleting twice is a no-op.
        ["GET /api/v1/campaigns/{campaignId:guid}/webhooks"] = [S, A, R, A, A, A],
        ["POST /api/v1/campaigns/{campaignId:guid}/webhooks"] = [S, A, R, A, A, A],
        ["DELETE /api/v1/campaigns/{campaignId:guid}/webhooks/{webhookId:guid}"] = [S, A, R, A, A, A],
        ["GET /api/v1/campaigns/{campaignId:guid}/webhooks/deliveries"] = [S, A, R, A, A, A],
        // A webhook of its own (the DELETE row removes the other one).
        ["POST /api/v1/campaigns/{campaignId:guid}/webhooks/{webhookId:guid}/test"] = [S, A, R, A, A, A],
        // Settings and lifecycle: campaign managers; deleting needs an admin or the owner (nobody owns the matrix's campaign:
        // creators are refused, the admin's request lacks the typed name: 400), so the campaign survives the matrix.
        ["GET /campaigns/{CampaignId:guid}/settings"] = [S, A, R, A, A, A],
        ["POST /campaigns/{CampaignId:guid}/settings"] = [S, B, R, B, B, B],
        ["GET /api/v1/campaigns/{campaignId:guid}/settings"] = [S, A, R, A, A, A],
        ["PUT /api/v1/campaigns/{campaignId:guid}/settings"] = [S, A, R, A, A, A],
        // The request repeats the definition in use: an authorised 409, so no rebuild starts.
        ["PUT /api/v1/campaigns/{campaignId:guid}/metric-definition"] = [S, A, R, A, A, A],
        ["GET /api/v1/campaigns/{campaignId:guid}/rebuilds/latest"] = [S, A, R, A, A, A],
        ["POST /api/v1/campaigns/{campaignId:guid}/archive"] = [S, A, R, A, A, A],
        ["POST /api/v1/campaigns/{campaignId:guid}/unarchive"] = [S, A, R, A, A, A],
        ["DELETE /api/v1/campaigns/{campaignId:guid}/"] = [S, R, R, B, R, R],
        ["GET /api/v1/campaigns/{campaignId:guid}/share-links"] = [S, A, R, A, A, A],
        ["POST /api/v1/campaigns/{campaignId:guid}/share-links"] = [S, A, R, A, A, A],
        ["DELETE /api/v1/campaigns/{campaignId:guid}/share-links/{shareLinkId:guid}"] = [S, A, R, A, A, A],
        // The wall view of a share link: anyone holding a live token, no account (ShareLinkTests: it reveals nothing else).
        ["GET /share/{Token}"] = [A, A, A, A, A, A],
        ["POST /share/{Token}"] = [B, B, B, B, B, B],
        ["GET /admin/access"] = [S, R, R, A, R, R],
        ["GET /admin/audit"] = [S, R, R, A, R, R],
        ["GET /admin/organisations"] = [S, R, R, A, R, R],
        // Pages also take form posts: without an antiforgery token they are refused once authorization passed.
        ["POST /"] = [S, B, B, B, B, B],
        ["POST /not-found"] = [B, B, B, B, B, B],
        ["POST /explore"] = [S, B, B, B, B, B],
        ["POST /account/tokens"] = [S, B, B, B, B, B],
        ["POST /Error"] = [B, B, B, B, B, B],
        ["POST /campaigns/{CampaignId:guid}"] = [S, B, R, B, B, B],
        ["POST /campaigns/{CampaignId:guid}/keys"] = [S, B, R, B, B, B],
        ["POST /campaigns/{CampaignId:guid}/customers"] = [S, R, R, R, R, B],
        ["POST /campaigns/{CampaignId:guid}/customers/{CustomerId}"] = [S, R, R, R, R, B],
        ["POST /admin/access"] = [S, R, R, B, R, R],
        ["POST /admin/audit"] = [S, R, R, B, R, R],
        ["POST /admin/organisations"] = [S, R, R, B, R, R],
        ["POST /account/login"] = [B, B, B, B, B, B],
        ["POST /account/logout"] = [S, B, B, B, B, B],
        ["POST /api/v1/events"] = [S, S, S, S, S, S],
        // The Segment endpoints: authenticated by the write key (an ingest key), never by a session.
        ["POST /v1/batch"] = [S, S, S, S, S, S],
        ["POST /v1/track"] = [S, S, S, S, S, S],
        ["POST /v1/page"] = [S, S, S, S, S, S],
        ["POST /v1/identify"] = [S, S, S, S, S, S],
        ["GET /openapi/{documentName}.json"] = [A, A, A, A, A, A],
        // Probes and the scrape: anonymous by design (no campaign or customer data); restricted at the proxy.
        ["GET /healthz"] = [A, A, A, A, A, A],
        ["GET /readyz"] = [A, A, A, A, A, A],
        ["GET /metrics"] = [A, A, A, A, A, A],
        ["GET /api/v1/campaigns/"] = [S, A, A, A, A, A],
        ["GET /api/v1/campaigns/{campaignId:guid}/snapshot"] = [S, A, R, A, A, A],
        ["GET /api/v1/campaigns/{campaignId:guid}/forecast"] = [S, A, R, A, A, A],
        ["GET /api/v1/campaigns/{campaignId:guid}/recommendations"] = [S, A, R, A, A, A],
        // A creator may dismiss; with nothing to dismiss on the matrix's one-event campaign, the authorised answer is 409.
        ["POST /api/v1/campaigns/{campaignId:guid}/recommendations/{ruleKey}/dismiss"] = [S, A, R, A, A, A],
        ["POST /api/v1/campaigns/{campaignId:guid}/access-requests"] = [S, A, R, A, A, A],
        ["GET /api/v1/campaigns/{campaignId:guid}/keys"] = [S, A, R, A, A, A],
        ["POST /api/v1/campaigns/{campaignId:guid}/keys"] = [S, A, R, A, A, A],
        ["DELETE /api/v1/campaigns/{campaignId:guid}/keys/{keyId:guid}"] = [S, A, R, A, A, A],
        ["GET /api/v1/campaigns/{campaignId:guid}/rejected-events"] = [S, A, R, A, A, A],
        ["GET /api/v1/campaigns/{campaignId:guid}/segment-mappings"] = [S, A, R, A, A, A],
        ["PUT /api/v1/campaigns/{campaignId:guid}/segment-mappings"] = [S, A, R, A, A, A],
        ["GET /api/v1/campaigns/{campaignId:guid}/customers"] = [S, R, R, R, R, A],
        ["GET /api/v1/campaigns/{campaignId:guid}/customers/{customerId}/events"] = [S, R, R, R, R, A],
        ["GET /api/v1/admin/audit"] = [S, R, R, A, R, R],
        ["POST /api/v1/query"] = [S, A, R, A, A, A],
        // The hub: signed-in users only; which campaign a client may stream is checked per call (CampaignHubTests).
        ["GET /hubs/campaigns/negotiate"] = [S, A, A, A, A, A],
        ["GET /hubs/campaigns"] = [S, B, B, B, B, B],
    };

    // Blazor's own endpoints (/_blazor, /_framework) and static files (fingerprinted assets, the development file fallback).
    private static bool IsFramework(RouteEndpoint e) =>
        e.RoutePattern.RawText!.TrimStart('/').StartsWith('_') || e.RoutePattern.RawText.Contains(":file}", StringComparison.Ordinal) ||
        e.Metadata.Any(m => m.GetType().Name.Contains("StaticAsset", StringComparison.Ordinal));

    private IReadOnlyList<(string Key, string Method, RouteEndpoint Endpoint)> AppEndpoints() =>
        [.. app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !IsFramework(e))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Key: $"{m} {e.RoutePattern.RawText}", Method: m, Endpoint: e)))
            .DistinctBy(x => x.Key)];

    [Fact]
    public void Endpoints_EveryRoute_DeclaresAPolicyOrAnonymousAccessAndIsInTheMatrix()
    {
        var endpoints = AppEndpoints();

        var withoutPolicy = endpoints.Where(x => !x.Endpoint.Metadata.OfType<IAuthorizeData>().Any() && !x.Endpoint.Metadata.OfType<IAllowAnonymous>().Any())
            .Select(x => x.Key).ToList();
        var missing = endpoints.Select(x => x.Key).Where(k => !Expected.ContainsKey(k)).ToList();
        var stale = Expected.Keys.Where(k => endpoints.All(x => x.Key != k)).ToList();

        Assert.True(withoutPolicy.Count == 0, "routes without a policy: " + string.Join(", ", withoutPolicy));
        Assert.True(missing.Count == 0, "routes missing from the access matrix: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "matrix rows for routes that no longer exist: " + string.Join(", ", stale));
    }

    [Fact]
    public void Hubs_EveryPublicMethod_RequiresAuthorization()
    {
        var hubs = typeof(Program).Assembly.GetTypes().Where(t => typeof(Hub).IsAssignableFrom(t) && !t.IsAbstract).ToList();
        var methods = hubs.SelectMany(hub => hub.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Select(m => (Hub: hub, Method: m))).ToList();

        // A scan that finds nothing would pass the rule below on nothing: the app's one hub and its stream must be in it.
        Assert.Contains(typeof(Crowdstart.Dashboard.Hubs.CampaignHub), hubs);
        Assert.Contains(methods, x => x.Hub == typeof(Crowdstart.Dashboard.Hubs.CampaignHub) && x.Method.Name == "StreamSnapshots");
        var unauthorized = methods.Where(x => x.Hub.GetCustomAttributes(typeof(AuthorizeAttribute), true).Length == 0
                && x.Method.GetCustomAttributes(typeof(AuthorizeAttribute), true).Length == 0)
            .Select(x => $"{x.Hub.Name}.{x.Method.Name}").ToList();
        Assert.True(unauthorized.Count == 0, "hub methods without [Authorize]: " + string.Join(", ", unauthorized));
    }

    [Fact]
    public async Task Matrix_EveryRoleOnEveryRoute_GetsTheExpectedOutcome()
    {
        // Arrange: two organisations, a campaign with events in A, and one client per role.
        var orgA = await app.CreateOrganisationAsync("Org A");
        var orgB = await app.CreateOrganisationAsync("Org B");
        var (campaign, key) = await app.CreateCampaignAsync(organisationId: orgA);
        var at = DateTimeOffset.UtcNow.AddSeconds(-10).ToString("O");
        (await app.PostEventsAsync(key, new[] { new { eventId = Guid.NewGuid(), type = EventTypes.PageView, campaignId = campaign, customerId = "cust-m1", sessionId = "s-m1", occurredAt = at, source = "direct" } }))
            .EnsureSuccessStatusCode();
        var creatorA = await app.CreateUserAsync(Roles.Creator, orgA);
        var creatorB = await app.CreateUserAsync(Roles.Creator, orgB);
        var admin = await app.CreateUserAsync(Roles.Admin, null);
        var expired = await app.CreateUserAsync(Roles.Creator, orgA);
        var granted = await app.CreateUserAsync(Roles.Creator, orgA);
        var grants = app.Services.GetRequiredService<DataAccessGrants>();
        var adminActor = new Actor(admin.Id, admin.Email, true);
        var old = await grants.GrantAsync(adminActor, expired.Id, campaign, "access that has run out by now", TimeSpan.FromHours(1));
        await app.Database.ScalarAsync<int>($"WITH u AS (UPDATE data_access_grants SET expires_at = now() - interval '1 minute' WHERE id = '{old.Id}' RETURNING 1) SELECT count(*)::int FROM u");
        await grants.GrantAsync(adminActor, granted.Id, campaign, "matrix test: live grant for drill-down");
        var alertId = Guid.NewGuid();
        await app.Database.ScalarAsync<int>(
            $"WITH a AS (INSERT INTO alerts (id, campaign_id, detector, scope, status, severity, message, value, baseline_low, baseline_high, opened_at, updated_at) " +
            $"VALUES ('{alertId}', '{campaign}', 'traffic_drop', 'campaign', 'open', 'Warning', 'matrix alert', 0, 0, 0, now(), now()) RETURNING 1) SELECT count(*)::int FROM a");
        var keyId = (await app.Services.GetRequiredService<IngestKeys>().CreateAsync(new Actor(creatorA.Id, creatorA.Email, false), campaign, "matrix")).Key.Id;
        var creatorActor = new Actor(creatorA.Id, creatorA.Email, false);
        var webhookId = (await app.Services.GetRequiredService<WebhookStore>().CreateAsync(creatorActor, campaign, "http://127.0.0.1:9/matrix", WebhookFormats.Slack)).Id;
        var testedWebhookId = (await app.Services.GetRequiredService<WebhookStore>().CreateAsync(creatorActor, campaign, "http://127.0.0.1:9/tested", WebhookFormats.Teams)).Id;
        // A planned mute (the matrix's own POST mutes the hours before it).
        var muteId = (await app.Services.GetRequiredService<AlertMuteStore>().MuteAsync(creatorActor, campaign, DateTimeOffset.UtcNow.AddDays(1),
            DateTimeOffset.UtcNow.AddDays(1).AddHours(2), "matrix: planned maintenance")).Id;
        var (shareLink, shareToken) = await app.Services.GetRequiredService<ShareLinks>().CreateAsync(creatorActor, campaign, "matrix", 1);
        var clients = new[]
        {
            app.NewCookieClient(), await app.SignInAsync(creatorA), await app.SignInAsync(creatorB), await app.SignInAsync(admin),
            await app.SignInAsync(expired), await app.SignInAsync(granted),
        };

        // Act
        var failures = new List<string>();
        var visited = new List<string>();
        foreach (var (routeKey, method, endpoint) in AppEndpoints())
        {
            visited.Add(routeKey);
            var url = endpoint.RoutePattern.RawText!
                .Replace("{CampaignId:guid}", campaign.ToString()).Replace("{campaignId:guid}", campaign.ToString())
                .Replace("{CustomerId}", "cust-m1").Replace("{customerId}", "cust-m1")
                .Replace("{keyId:guid}", keyId.ToString()).Replace("{alertId:guid}", alertId.ToString())
                .Replace("{webhookId:guid}", (routeKey.EndsWith("/test") ? testedWebhookId : webhookId).ToString()).Replace("{muteId:guid}", muteId.ToString())
                .Replace("{ruleKey}", "forecast-shortfall").Replace("{documentName}", "v1")
                .Replace("{shareLinkId:guid}", shareLink.Id.ToString()).Replace("{Token}", shareToken);
            Assert.DoesNotContain("{", url);
            for (var role = 0; role < clients.Length; role++)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url.TrimStart('/'));
                request.Content = routeKey switch
                {
                    _ when routeKey.EndsWith("/access-requests") => JsonContent.Create(new { reason = $"matrix test request by role {role}" }),
                    _ when routeKey.StartsWith("POST") && routeKey.EndsWith("/keys") => JsonContent.Create(new { name = $"matrix {role}" }),
                    _ when routeKey.StartsWith("POST") && routeKey.EndsWith("/alerts/mutes") =>
                        JsonContent.Create(new { endsAt = DateTimeOffset.UtcNow.AddHours(2), reason = $"matrix mute by role {role}" }),
                    _ when routeKey.StartsWith("PUT") && routeKey.EndsWith("/settings") =>
                        JsonContent.Create(new { name = $"Matrix campaign {role}", goal = 5000, endAt = (DateTimeOffset?)null, timeZone = "Europe/Paris" }),
                    _ when routeKey.EndsWith("/metric-definition") =>
                        JsonContent.Create(new { funnel = FunnelDefinition.Default.Steps, cartWindowSeconds = 3600 }),
                    _ when routeKey.StartsWith("POST") && routeKey.EndsWith("/share-links") => JsonContent.Create(new { label = $"matrix {role}", days = 1 }),
                    _ when routeKey.StartsWith("POST") && routeKey.EndsWith("/webhooks") =>
                        JsonContent.Create(new { url = $"http://127.0.0.1:9/matrix-{role}", format = "discord" }),
                    "POST /api/v1/events" => JsonContent.Create(Array.Empty<object>()),
                    _ when routeKey.StartsWith("POST /v1/") => JsonContent.Create(new { batch = Array.Empty<object>() }),
                    _ when routeKey.StartsWith("PUT") && routeKey.EndsWith("/segment-mappings") =>
                        JsonContent.Create(new { mappings = new[] { new { @event = $"Matrix {role}", type = "ignore" } } }),
                    "POST /api/v1/query" => JsonContent.Create(new { campaigns = new[] { campaign }, measures = new[] { "count" } }),
                    "POST /account/login" => new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "x@y.test", ["Password"] = "whatever-password" }),
                    _ when routeKey.StartsWith("POST") => new FormUrlEncodedContent(new Dictionary<string, string>()),
                    _ => null,
                };
                using var response = await clients[role].SendAsync(request);
                var outcome = Classify(response);
                if (outcome != Expected[routeKey][role])
                {
                    failures.Add($"{routeKey} as {RoleNames[role]}: expected {Expected[routeKey][role]}, got {outcome} ({(int)response.StatusCode} {response.Headers.Location})");
                }
            }
        }

        // Assert: every row of the matrix was tried (an empty enumeration would report no failures), each as expected
        Assert.Equal(Expected.Keys.Order(), visited.Order());
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static Outcome Classify(HttpResponseMessage response) => response.StatusCode switch
    {
        >= HttpStatusCode.InternalServerError => Outcome.ServerError,
        HttpStatusCode.Unauthorized => Outcome.SignIn,
        HttpStatusCode.Redirect or HttpStatusCode.Found when response.Headers.Location?.ToString().Contains("/account/login", StringComparison.OrdinalIgnoreCase) == true => Outcome.SignIn,
        HttpStatusCode.Forbidden or HttpStatusCode.NotFound => Outcome.Refused,
        HttpStatusCode.BadRequest => Outcome.BadRequest,
        _ => Outcome.Allowed,
    };
}
