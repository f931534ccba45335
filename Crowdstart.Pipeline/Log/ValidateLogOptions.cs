using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Log;

/// <summary>Checks <see cref="LogOptions"/> at start-up, before the log's partitions are created.</summary>
public sealed class ValidateLogOptions : IValidateOptions<LogOptions>
{
    public ValidateOptionsResult Validate(string? name, LogOptions options) => new OptionErrors(LogOptions.SectionName)
        .Range(nameof(options.PartitionCount), options.PartitionCount, 1, 1024)
        .Result();
}
