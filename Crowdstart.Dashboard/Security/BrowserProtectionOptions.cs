namespace Crowdstart.Dashboard.Security;

/// <summary>Browser-facing protections (section <c>Security</c>).</summary>
public sealed class BrowserProtectionOptions
{
    public const string SectionName = "Security";

    /// <summary>The header a cookie-authenticated, state-changing API request must carry (any value).</summary>
    public const string RequestHeader = "X-Requested-With";

    /// <summary>
    /// Origins besides the app's own (<c>scheme://host[:port]</c> of the request) whose pages may open the live
    /// connections and send state-changing requests, e.g. the public URL when a proxy rewrites the Host header.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}
