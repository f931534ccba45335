using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Cluster;

/// <summary>Checks <see cref="InstanceOptions"/> at start-up: at least one role, and only known ones.</summary>
public sealed class ValidateInstanceOptions : IValidateOptions<InstanceOptions>
{
    public ValidateOptionsResult Validate(string? name, InstanceOptions options)
    {
        var errors = new OptionErrors(InstanceOptions.SectionName);
        return errors
            .Require(options.Roles != InstanceRoles.None && (options.Roles & ~InstanceRoles.All) == 0,
                $"{errors.Key(nameof(options.Roles))} must name one or more of Ingest, Pipeline, Dashboard, comma-separated (was {options.Roles})")
            .Result();
    }
}
