using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Privacy;

/// <summary>Checks <see cref="PrivacyOptions"/> at start-up and reports every bad setting at once.</summary>
public sealed class ValidatePrivacyOptions : IValidateOptions<PrivacyOptions>
{
    /// <summary>Longest data-access grant: 30 days.</summary>
    public const int MaxGrantHoursLimit = 720;

    public ValidateOptionsResult Validate(string? name, PrivacyOptions options)
    {
        var errors = new OptionErrors(PrivacyOptions.SectionName)
            .Require(Enum.IsDefined(options.PiiMode), $"Privacy:PiiMode must be Reject or Redact (was {options.PiiMode})")
            .Range(nameof(options.MaxGrantHours), options.MaxGrantHours, 1, MaxGrantHoursLimit)
            .Range(nameof(options.DefaultGrantHours), options.DefaultGrantHours, 1, MaxGrantHoursLimit)
            .Require(options.DefaultGrantHours <= options.MaxGrantHours,
                $"Privacy:DefaultGrantHours must be at most Privacy:MaxGrantHours (was {options.DefaultGrantHours} > {options.MaxGrantHours})");
        foreach (var (type, keys) in options.AllowedProperties ?? [])
        {
            errors.Require(keys is not null && keys.All(k => !string.IsNullOrWhiteSpace(k)),
                $"Privacy:AllowedProperties:{type} must be a list of property keys");
        }
        return errors.Result();
    }
}
