using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>Checks <see cref="IngestionOptions"/> at start-up and reports every bad setting at once.</summary>
public sealed class ValidateIngestionOptions : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions options) => new OptionErrors(IngestionOptions.SectionName)
        // The body buffer starts at 1 KB, so a smaller limit is not a limit the reader can keep; 1 GB bounds the buffer.
        .Range(nameof(options.MaxRequestBytes), options.MaxRequestBytes, 1024, 1024 * 1024 * 1024)
        .Range(nameof(options.MaxEventsPerRequest), options.MaxEventsPerRequest, 1, 100_000)
        .Range(nameof(options.MaxPropertyCount), options.MaxPropertyCount, 0, 1000)
        .Range(nameof(options.MaxFutureSkewSeconds), options.MaxFutureSkewSeconds, 0, 86_400)
        .Range(nameof(options.MaxPastDays), options.MaxPastDays, 1, 36_500)
        .Range(nameof(options.AppendBatchMaxEvents), options.AppendBatchMaxEvents, 1, 1_000_000)
        .Range(nameof(options.AppendQueueCapacityEvents), options.AppendQueueCapacityEvents, 1, 10_000_000)
        .Range(nameof(options.MaxConcurrentRequests), options.MaxConcurrentRequests, 1, 10_000)
        .Range(nameof(options.MaxQueuedRequests), options.MaxQueuedRequests, 0, 100_000)
        .Range(nameof(options.KeyCacheSeconds), options.KeyCacheSeconds, 0, 3600)
        .Range(nameof(options.FailedKeyAttemptsPerWindow), options.FailedKeyAttemptsPerWindow, 1, 1_000_000)
        .Range(nameof(options.FailedKeyWindowSeconds), options.FailedKeyWindowSeconds, 1, 86_400)
        .Range(nameof(options.ActivityFlushSeconds), options.ActivityFlushSeconds, 1, 60)
        .Range(nameof(options.RejectedEventsPerCampaign), options.RejectedEventsPerCampaign, 1, 1000)
        .Result();
}
