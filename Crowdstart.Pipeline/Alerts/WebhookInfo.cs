using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// An outbound webhook of a campaign. Its <c>Secret</c> (the signing key) is only in the answer to its creation, shown
/// once; listings leave it empty and show <see cref="MaskedUrl"/>, since chat webhook addresses carry their own token
/// (anyone holding a Slack or Discord webhook URL can post to the channel). <c>Format</c> is one of <see cref="WebhookFormats"/>.
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
    /// <summary>The address as listings show it: <see cref="Mask"/>.</summary>
    public string MaskedUrl => Mask(Url);

    /// <summary>
    /// Scheme, host and port, then only the last 4 characters of the path and query: enough to tell webhooks apart, not
    /// enough to post to them. "https://hooks.slack.com/services/T0/B0/XYZabcd1234" → "https://hooks.slack.com/…1234".
    /// </summary>
    public static string Mask(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "…";
        }
        // Authority leaves out user info, which is a credential too.
        var rest = uri.PathAndQuery.TrimStart('/');
        return $"{uri.Scheme}://{uri.Authority}/…{(rest.Length > 8 ? rest[^4..] : "")}";
    }

    internal static WebhookInfo From(AlertWebhook w, bool withSecret) =>
        new(w.Id, w.CampaignId, w.Url, withSecret ? w.Secret : "", w.CreatedAt, w.CreatedByUserId, w.DeletedAt, w.Format);
}
