using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Processing;

/// <summary>Checks <see cref="ProcessingOptions"/> at start-up and reports every bad setting at once.</summary>
public sealed class ValidateProcessingOptions : IValidateOptions<ProcessingOptions>
{
    public ValidateOptionsResult Validate(string? name, ProcessingOptions options) => new OptionErrors(ProcessingOptions.SectionName)
        .Range(nameof(options.BatchSize), options.BatchSize, 1, 1_000_000)
        // The worker polls no faster than every 50 ms whatever is set, so small values are accepted, not refused.
        .Range(nameof(options.PollIntervalMilliseconds), options.PollIntervalMilliseconds, 1, 600_000)
        .Range(nameof(options.MinBatchIntervalMilliseconds), options.MinBatchIntervalMilliseconds, 0, 60_000)
        .Range(nameof(options.NotifyThrottleMilliseconds), options.NotifyThrottleMilliseconds, 0, 60_000)
        .Result();
}
