using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Demo;

/// <summary>Checks <see cref="DemoOptions"/> at start-up (any <see cref="DemoOptions.Seed"/> is a valid seed).</summary>
public sealed class ValidateDemoOptions : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options) => new OptionErrors(DemoOptions.SectionName)
        .Range(nameof(options.VisitorsPerSecond), options.VisitorsPerSecond, 0, 1000)
        .Range(nameof(options.HistoryCampaigns), options.HistoryCampaigns, 0, 2000)
        .Result();
}
