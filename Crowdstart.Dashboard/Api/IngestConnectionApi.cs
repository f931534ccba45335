using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdstart.Dashboard.Api;

/// <summary>A rejected event as the API lists it: what was wrong, never a value.</summary>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="Channel"><c>api</c> (<c>/api/v1/events</c>) or <c>segment</c> (<c>/v1/*</c>).</param>
/// <param name="EventName">Its type, or Segment call and event name (cleaned of personal data), if it had one.</param>
/// <param name="Field">The offending field.</param>
/// <param name="Reason">Why it was refused.</param>
/// <param name="KeyId">The ingest key it came with.</param>
public sealed record RejectedEventDto(DateTimeOffset ReceivedAt, string Channel, string? EventName, string Field, string Reason, Guid? KeyId);

/// <summary>One of the campaign's own Segment event names and the type it maps to (an event type or <c>ignore</c>).</summary>
public sealed record SegmentMappingDto(string Event, string Type);

/// <summary>Body of a Segment mapping change: the complete list (it replaces the current one).</summary>
public sealed record SegmentMappingsRequest(List<SegmentMappingDto>? Mappings);

/// <summary>Routes that help a campaign's managers connect their site: rejected events and the Segment event mapping.</summary>
public static class IngestConnectionApi
{
    /// <summary>Maps the routes into the campaign group (<c>/api/v1/campaigns/{campaignId:guid}</c>).</summary>
    public static RouteGroupBuilder MapIngestConnectionApi(this RouteGroupBuilder one)
    {
        one.MapGet("/rejected-events", RejectedAsync).RequireAuthorization(Policies.CampaignManager)
            .WithSummary("The campaign's last rejected events (own API and Segment endpoints), newest first, with the field and the reason; " +
                "never a property value.");
        one.MapGet("/segment-mappings", MappingsAsync).RequireAuthorization(Policies.CampaignManager)
            .WithSummary("The campaign's own Segment event names and the event types they map to (the e-commerce spec events need none).");
        one.MapPut("/segment-mappings", SetMappingsAsync).RequireAuthorization(Policies.CampaignManager).ProducesValidationProblem()
            .WithSummary("Replace the campaign's own Segment event names; a type is an event type or 'ignore' (accepted, not stored, not listed).");
        return one;
    }

    private static async Task<Ok<RejectedEventDto[]>> RejectedAsync(Guid campaignId, HttpContext http, IngestConnection connection, CancellationToken ct)
    {
        var list = await connection.RejectedAsync(ActorOf(http), campaignId, ct);
        return TypedResults.Ok(list.Select(r => new RejectedEventDto(r.ReceivedAt, r.Channel, r.EventName, r.Field, r.Reason, r.KeyId)).ToArray());
    }

    private static async Task<Ok<SegmentMappingDto[]>> MappingsAsync(Guid campaignId, HttpContext http, IngestConnection connection, CancellationToken ct)
    {
        var list = await connection.MappingsAsync(ActorOf(http), campaignId, ct);
        return TypedResults.Ok(list.Select(m => new SegmentMappingDto(m.Event, m.Type)).ToArray());
    }

    private static async Task<Ok<SegmentMappingDto[]>> SetMappingsAsync(Guid campaignId, SegmentMappingsRequest body, HttpContext http,
        IngestConnection connection, CancellationToken ct)
    {
        var items = (body.Mappings ?? []).Select(m => new SegmentEventMappingInfo(m.Event, m.Type)).ToList();
        var list = await connection.SetMappingsAsync(ActorOf(http), campaignId, items, ct);
        return TypedResults.Ok(list.Select(m => new SegmentMappingDto(m.Event, m.Type)).ToArray());
    }

    private static Actor ActorOf(HttpContext http) => Actor.From(http.User) ?? throw new AccessDeniedException("Sign in first.");
}
