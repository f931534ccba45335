using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>Checks <see cref="AlertOptions"/> at start-up and reports every bad setting at once.</summary>
public sealed class ValidateAlertOptions : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options) => new OptionErrors(AlertOptions.SectionName)
        .Range(nameof(options.EvaluationIntervalSeconds), options.EvaluationIntervalSeconds, 1, 3600)
        .Range(nameof(options.LatenessSeconds), options.LatenessSeconds, 0, 3600)
        .Range(nameof(options.WarmupSeconds), options.WarmupSeconds, 0, 3600)
        // Retries wait backoff × 3^n: past 15 attempts of up to 10 minutes the next attempt is decades away.
        .Range(nameof(options.WebhookMaxAttempts), options.WebhookMaxAttempts, 1, 15)
        .Range(nameof(options.WebhookInitialBackoffSeconds), options.WebhookInitialBackoffSeconds, 1, 600)
        .Range(nameof(options.WebhookTimeoutSeconds), options.WebhookTimeoutSeconds, 1, 300)
        .Require(string.IsNullOrWhiteSpace(options.PublicUrl) || Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
                 string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.UserInfo),
            $"{AlertOptions.SectionName}:{nameof(options.PublicUrl)} must be an absolute http(s) URL without query or credentials (was '{options.PublicUrl}')")
        .Result();
}
