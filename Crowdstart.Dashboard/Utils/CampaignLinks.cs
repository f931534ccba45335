using Crowdstart.Pipeline.Alerts;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Utils;

/// <summary>
/// Absolute links for messages that leave the app (chat webhooks): <see cref="DashboardUrls"/>' paths on the public
/// address, <c>Alerts:PublicUrl</c>, else the first address the app listens on (<c>Urls</c>) unless it is a wildcard.
/// </summary>
public sealed class CampaignLinks : ICampaignLinks
{
    private readonly Uri? _base;

    public CampaignLinks(IOptions<AlertOptions> options, IConfiguration configuration)
    {
        var configured = options.Value.PublicUrl;
        if (string.IsNullOrWhiteSpace(configured))
        {
            configured = (configuration["Urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        }
        if (Uri.TryCreate(configured, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
            uri.Host is not ("0.0.0.0" or "[::]" or "+" or "*") && !configured!.Contains("://+", StringComparison.Ordinal) &&
            !configured.Contains("://*", StringComparison.Ordinal))
        {
            _base = new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        }
    }

    /// <summary>The address links start with, or null when none is known.</summary>
    public Uri? Base => _base;

    public Uri? CampaignPage(Guid campaignId) => _base is null ? null : new Uri(_base, DashboardUrls.Campaign(campaignId).TrimStart('/'));
}
