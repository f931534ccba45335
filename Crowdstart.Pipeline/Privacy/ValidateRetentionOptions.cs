using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Privacy;

/// <summary>Checks <see cref="RetentionOptions"/> at start-up and reports every bad setting at once.</summary>
public sealed class ValidateRetentionOptions : IValidateOptions<RetentionOptions>
{
    /// <summary>A century: longer is a typo, and a cut-off that far back is no longer a date.</summary>
    private const int MaxDays = 36_500;

    public ValidateOptionsResult Validate(string? name, RetentionOptions options) => new OptionErrors(RetentionOptions.SectionName)
        .Range(nameof(options.RawEventDays), options.RawEventDays, 1, MaxDays)
        .Range(nameof(options.CustomerDataDays), options.CustomerDataDays, 1, MaxDays)
        // Customer ids live on raw events: they cannot outlive them.
        .Require(options.CustomerDataDays <= options.RawEventDays,
            $"Retention:CustomerDataDays must be at most Retention:RawEventDays (was {options.CustomerDataDays} > {options.RawEventDays})")
        .Range(nameof(options.AggregateDays), options.AggregateDays, 1, MaxDays)
        .Range(nameof(options.IntervalMinutes), options.IntervalMinutes, 1, 10_080)
        .Range(nameof(options.BatchSize), options.BatchSize, 1, 1_000_000)
        .Result();
}
