using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>One alert event for one webhook and its attempts so far: a line of the delivery log (<c>pending</c>, <c>delivered</c> or <c>failed</c>).</summary>
public sealed record WebhookDeliveryInfo(
    long Id,
    Guid WebhookId,
    Guid CampaignId,
    Guid AlertId,
    string Event,
    string Payload,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    int? LastStatusCode,
    string? LastError)
{
    internal static WebhookDeliveryInfo From(WebhookDelivery d) => new(d.Id, d.WebhookId, d.CampaignId, d.AlertId, d.Event, d.Payload, d.Status, d.Attempts,
        d.CreatedAt, d.NextAttemptAt, d.DeliveredAt, d.LastStatusCode, d.LastError);
}
