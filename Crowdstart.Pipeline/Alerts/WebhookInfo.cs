using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// An outbound webhook of a campaign. Its <c>Secret</c> (the signing key) is only in the answer to its creation, shown
/// once; listings leave it empty. <c>Format</c> is one of <see cref="WebhookFormats"/>.
/// </summary>
public sealed record WebhookInfo(
    Guid Id,
    Guid CampaignId,
    string Url,
    string Secret,
    DateTimeOffset CreatedAt,
    Guid? CreatedByUserId,
    DateTimeOffset? DeletedAt,
    string Format = WebhookFormats.Json)
{
    internal static WebhookInfo From(AlertWebhook w, bool withSecret) =>
        new(w.Id, w.CampaignId, w.Url, withSecret ? w.Secret : "", w.CreatedAt, w.CreatedByUserId, w.DeletedAt, w.Format);
}
