using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Observability;

/// <summary>Checks <see cref="ObservabilityOptions"/> at start-up and reports every bad setting at once.</summary>
public sealed class ValidateObservabilityOptions : IValidateOptions<ObservabilityOptions>
{
    public ValidateOptionsResult Validate(string? name, ObservabilityOptions options) => new OptionErrors(ObservabilityOptions.SectionName)
        .Range(nameof(options.LagIntervalSeconds), options.LagIntervalSeconds, 1, 3600)
        .Range(nameof(options.ReadyMaxLagSeconds), options.ReadyMaxLagSeconds, 1, 86_400)
        .Result();
}
