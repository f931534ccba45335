using Microsoft.Extensions.Configuration;

namespace Crowdstart.Pipeline.Cluster;

/// <summary>This process's place in a cluster (section <c>Instance</c>).</summary>
public sealed class InstanceOptions
{
    public const string SectionName = "Instance";

    /// <summary>Comma-separated <see cref="InstanceRoles"/>; all three by default, as a single instance needs.</summary>
    public InstanceRoles Roles { get; set; } = InstanceRoles.All;

    /// <summary>Whether this process takes <paramref name="role"/>.</summary>
    public bool Has(InstanceRoles role) => (Roles & role) == role;

    /// <summary>
    /// The roles as configured, for registrations that depend on them (a process without the pipeline role does not
    /// even construct its consumers). A value that is not a role is reported by <see cref="ValidateInstanceOptions"/>
    /// with every other bad setting; until then it counts as all roles.
    /// </summary>
    public static InstanceOptions From(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(SectionName).Get<InstanceOptions>() ?? new InstanceOptions();
        }
        catch (InvalidOperationException)
        {
            return new InstanceOptions();
        }
    }
}
