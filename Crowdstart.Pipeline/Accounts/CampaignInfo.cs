using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>A campaign as callers outside the pipeline read it: a snapshot, detached from the database.</summary>
public sealed record CampaignInfo(
    Guid Id,
    Guid OrganisationId,
    string Slug,
    string Name,
    string Currency,
    decimal GoalAmount,
    DateTimeOffset LaunchAt,
    DateTimeOffset? EndAt,
    string FunnelJson,
    int CartWindowSeconds,
    int AllowedLatenessSeconds,
    DateTimeOffset CreatedAt,
    string? AlertSettingsJson,
    string? TimeZone = null,
    DateTimeOffset? ArchivedAt = null,
    Guid? CreatedByUserId = null)
{
    /// <summary>Archived campaigns are hidden from the overview unless asked for; their data is kept.</summary>
    public bool IsArchived => ArchivedAt is not null;

    /// <summary>The offset of the campaign's time zone at <paramref name="at"/>; null when times follow each viewer's own zone.</summary>
    public TimeSpan? OffsetAt(DateTimeOffset at) =>
        TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone.GetUtcOffset(at) : null;

    internal static CampaignInfo From(Campaign c) => new(c.Id, c.OrganisationId, c.Slug, c.Name, c.Currency, c.GoalAmount, c.LaunchAt, c.EndAt,
        c.FunnelJson, c.CartWindowSeconds, c.AllowedLatenessSeconds, c.CreatedAt, c.AlertSettingsJson, c.TimeZone, c.ArchivedAt, c.CreatedByUserId);
}
