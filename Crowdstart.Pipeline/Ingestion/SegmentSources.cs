namespace Crowdstart.Pipeline.Ingestion;

/// <summary>
/// Where a Segment message's visitor came from, in our <c>source</c> vocabulary: its UTM parameters
/// (<c>context.campaign</c>) and the referrer's host, classified into ads, email, social networks, search and referrals.
/// </summary>
public static class SegmentSources
{
    private static readonly HashSet<string> SearchEngines = new(StringComparer.Ordinal)
    {
        "google", "bing", "duckduckgo", "yahoo", "ecosia", "baidu", "yandex", "qwant", "startpage", "brave",
    };

    private static readonly Dictionary<string, string> SocialNetworks = new(StringComparer.Ordinal)
    {
        ["facebook"] = "facebook", ["fb"] = "facebook", ["instagram"] = "instagram", ["twitter"] = "twitter", ["x"] = "twitter",
        ["t"] = "twitter", ["reddit"] = "reddit", ["youtube"] = "youtube", ["youtu"] = "youtube", ["tiktok"] = "tiktok",
        ["linkedin"] = "linkedin", ["lnkd"] = "linkedin", ["pinterest"] = "pinterest", ["mastodon"] = "mastodon",
        ["bsky"] = "bluesky", ["bluesky"] = "bluesky", ["threads"] = "threads", ["discord"] = "discord", ["twitch"] = "twitch",
    };

    /// <summary>
    /// Our <c>source</c> from UTM parameters (<c>context.campaign</c>) and the referrer's host: paid media → ads,
    /// e-mail → email, a social network → social:&lt;network&gt;, a search engine or organic medium → search, another
    /// site → referral:&lt;domain&gt;, nothing → direct.
    /// </summary>
    public static string Source(string? utmSource, string? utmMedium, string? referrerHost)
    {
        var medium = utmMedium?.Trim().ToLowerInvariant() ?? "";
        var sourceName = utmSource?.Trim().ToLowerInvariant() ?? "";
        if (medium is "cpc" or "ppc" or "paid" or "paidsearch" or "paid_search" or "display" or "ads" or "cpm" or "paid_social" or "paidsocial")
        {
            return "ads";
        }
        if (medium is "email" or "e-mail" or "newsletter" || sourceName is "newsletter" or "email")
        {
            return "email";
        }
        if (Network(sourceName) is { } network)
        {
            return "social:" + network;
        }
        if (medium is "organic" or "search" || SearchEngines.Contains(sourceName))
        {
            return "search";
        }
        if (medium is "social" && Slug(sourceName) is { Length: > 0 } named)
        {
            return "social:" + named;
        }
        if (sourceName.Length > 0 && Domain(sourceName) is { } domain)
        {
            return "referral:" + domain;
        }
        if (referrerHost is { } host)
        {
            var name = SiteName(host);
            if (Network(name) is { } fromReferrer)
            {
                return "social:" + fromReferrer;
            }
            if (SearchEngines.Contains(name))
            {
                return "search";
            }
            return "referral:" + host;
        }
        return "direct";
    }

    /// <summary>The referrer's host without <c>www.</c>, or null when it is no http(s) address with a DNS name.</summary>
    public static string? HostOf(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.HostNameType != UriHostNameType.Dns)
        {
            return null;
        }
        var host = uri.IdnHost.ToLowerInvariant();
        host = host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
        return Domain(host);
    }

    /// <summary>The name part of a host: "old.reddit.com" → "reddit", "t.co" → "t".</summary>
    private static string SiteName(string host)
    {
        var labels = host.Split('.');
        return labels.Length >= 2 ? labels[^2] : labels[0];
    }

    private static string? Network(string name) => SocialNetworks.TryGetValue(name, out var network) ? network
        : name.Contains('.') && SocialNetworks.TryGetValue(SiteName(name), out var byHost) ? byHost : null;

    private static string? Domain(string text)
    {
        var cleaned = new string([.. text.Where(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-')]).Trim('.', '-');
        return cleaned.Length is > 0 and <= 253 && char.IsAsciiLetterOrDigit(cleaned[0]) ? cleaned : null;
    }

    private static string? Slug(string text)
    {
        var cleaned = new string([.. text.Where(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-')]).Trim('.', '_', '-');
        return cleaned.Length is > 0 and <= 40 ? cleaned : null;
    }
}
