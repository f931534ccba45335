using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// A mute of a campaign's alerts from <c>StartsAt</c> until <c>EndsAt</c> (or until <c>EndedAt</c>, when someone ended it
/// early or cancelled it before it began).
/// </summary>
public sealed record AlertMuteInfo(
    Guid Id,
    Guid CampaignId,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Reason,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? EndedAt,
    string? EndedBy)
{
    /// <summary>When it stops (or stopped) muting: its end, or the moment it was ended early.</summary>
    public DateTimeOffset Until => EndedAt is { } ended && ended < EndsAt ? ended : EndsAt;

    /// <summary>Whether it mutes alerts at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => StartsAt <= now && now < Until;

    /// <summary>Whether it is still to come at <paramref name="now"/>.</summary>
    public bool IsUpcoming(DateTimeOffset now) => EndedAt is null && StartsAt > now;

    internal static AlertMuteInfo From(AlertMute m) =>
        new(m.Id, m.CampaignId, m.StartsAt, m.EndsAt, m.Reason, m.CreatedAt, m.CreatedBy, m.EndedAt, m.EndedBy);
}

/// <summary>
/// What the campaign's alert banner shows: the live alerts (without those held by a mute), the alerts that recovered
/// recently, the mute in force and how many alerts it holds, and the next change that needs no event to happen (a mute
/// ending or starting, a recovery dropping off).
/// </summary>
public sealed record AlertBannerState(
    IReadOnlyList<AlertInfo> Live,
    IReadOnlyList<AlertInfo> Recovered,
    AlertMuteInfo? Mute,
    int Held,
    DateTimeOffset? NextChange)
{
    /// <summary>How long a resolved alert stays on the banner, saying when and after how long it recovered.</summary>
    public static readonly TimeSpan RecoveredShownFor = TimeSpan.FromMinutes(30);
}
