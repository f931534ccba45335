using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Security;

/// <summary>Checks <see cref="BrowserProtectionOptions"/> at start-up, naming every entry that is not an origin.</summary>
public sealed class ValidateBrowserProtectionOptions : IValidateOptions<BrowserProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, BrowserProtectionOptions options)
    {
        var errors = new OptionErrors(BrowserProtectionOptions.SectionName);
        for (var i = 0; i < options.AllowedOrigins.Length; i++)
        {
            // Origins are compared as strings with the browser's Origin header, which never has a path or a trailing slash.
            var origin = options.AllowedOrigins[i];
            errors.Require(IsOrigin(origin),
                $"{errors.Key(nameof(options.AllowedOrigins))}:{i} must be an origin such as 'https://analytics.example.com' (scheme, host, optional port; no path) (was '{origin}')");
        }
        return errors.Result();
    }

    private static bool IsOrigin(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"
        && string.IsNullOrEmpty(uri.Query) && !origin.EndsWith('/');
}
