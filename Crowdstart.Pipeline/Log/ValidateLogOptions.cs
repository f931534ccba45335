using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Log;

/// <summary>Checks <see cref="LogOptions"/> at start-up, before the log's partitions are created.</summary>
public sealed class ValidateLogOptions : IValidateOptions<LogOptions>
{
    public ValidateOptionsResult Validate(string? name, LogOptions options)
    {
        var errors = new OptionErrors(LogOptions.SectionName)
            .Range(nameof(options.PartitionCount), options.PartitionCount, 1, 1024)
            .Require(Enum.IsDefined(options.Engine), $"Log:Engine must be Postgres or JetStream (was {options.Engine})");
        if (options.Engine == LogEngine.JetStream)
        {
            var js = options.JetStream;
            errors
                .Require(js.Url.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } urls
                    && urls.All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "nats" or "tls"),
                    $"Log:JetStream:Url must list nats:// servers, comma-separated (was '{js.Url}')")
                .Require(IsToken(js.Stream), $"Log:JetStream:Stream must be letters, digits, '-' or '_' (was '{js.Stream}')")
                .Require(js.Subject.Split('.').All(IsToken), $"Log:JetStream:Subject must be dot-separated tokens of letters, digits, '-' or '_' (was '{js.Subject}')")
                .Range("JetStream:Replicas", js.Replicas, 1, 5)
                .Range("JetStream:MaxAgeHours", js.MaxAgeHours, 1, 24)
                .Range("JetStream:DuplicateWindowSeconds", js.DuplicateWindowSeconds, 1, 24 * 3600)
                .Range("JetStream:MaxEventsPerMessage", js.MaxEventsPerMessage, 1, 10_000)
                .Range("JetStream:PublishTimeoutSeconds", js.PublishTimeoutSeconds, 1, 300)
                .Require(js.DuplicateWindowSeconds <= js.MaxAgeHours * 3600,
                    "Log:JetStream:DuplicateWindowSeconds must not exceed Log:JetStream:MaxAgeHours");
        }
        return errors.Result();
    }

    private static bool IsToken(string s) => s.Length is > 0 and <= 64 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
