using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>An organisation with its own retention limits (null: the deployment default).</summary>
public sealed record OrganisationInfo(
    Guid Id,
    string Slug,
    string Name,
    DateTimeOffset CreatedAt,
    int? RawEventRetentionDays,
    int? CustomerDataRetentionDays,
    int? AggregateRetentionDays)
{
    internal static OrganisationInfo From(Organisation o) =>
        new(o.Id, o.Slug, o.Name, o.CreatedAt, o.RawEventRetentionDays, o.CustomerDataRetentionDays, o.AggregateRetentionDays);
}
