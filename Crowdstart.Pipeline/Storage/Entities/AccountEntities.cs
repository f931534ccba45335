using Microsoft.AspNetCore.Identity;

namespace Crowdstart.Pipeline.Storage.Entities;

/// <summary>A person who signs in: an admin or a creator.</summary>
public sealed class CrowdstartUser : IdentityUser<Guid>
{
    public required string DisplayName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The admin who created the account (null for the system: demo and bootstrap accounts).</summary>
    public Guid? CreatedByUserId { get; set; }
    /// <summary>Dashboard theme chosen by the user; null until they choose (dark is the default).</summary>
    public bool? PrefersDarkMode { get; set; }
}

/// <summary>A creator's company or team. Campaigns belong to it; creators are its members.</summary>
public sealed class Organisation
{
    public Guid Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Own retention limits; null means the deployment default (<c>Retention</c> section).</summary>
    public int? RawEventRetentionDays { get; set; }
    public int? CustomerDataRetentionDays { get; set; }
    public int? AggregateRetentionDays { get; set; }
}

/// <summary>Membership of a user in an organisation.</summary>
public sealed class OrganisationMember
{
    public Guid OrganisationId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>
/// An admin's permission for one user to read customer-level data (one customer's timeline, lists of customer
/// ids) of one campaign, for a reason and until an expiry. Live while not expired and not revoked.
/// </summary>
public sealed class DataAccessGrant
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public Guid UserId { get; set; }
    public required string Reason { get; set; }
    public Guid GrantedByUserId { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public Guid? RevokedByUserId { get; set; }
    /// <summary>The request this grant answered, if any.</summary>
    public Guid? RequestId { get; set; }
}

/// <summary>State of a creator's request for customer-level access.</summary>
public static class AccessRequestStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Denied = "denied";
}

/// <summary>A creator's request for a data-access grant, decided by an admin.</summary>
public sealed class DataAccessRequest
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public Guid UserId { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public string Status { get; set; } = AccessRequestStatus.Pending;
    public Guid? DecidedByUserId { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }
}

/// <summary>
/// One entry of the append-only audit log: every customer-level read and every change of access. The table
/// refuses UPDATE, DELETE and TRUNCATE (a trigger), so not even a bug in the app can rewrite history.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The acting user; null for the system (e.g. the retention job).</summary>
    public Guid? ActorUserId { get; set; }
    public required string ActorName { get; set; }
    public required string Action { get; set; }
    public Guid? CampaignId { get; set; }
    public string? CustomerId { get; set; }
    public Guid? GrantId { get; set; }
    public string? Details { get; set; }
}

/// <summary>
/// A personal API token: lets a script act as its user on the read-only programmatic routes (ad-hoc queries, the
/// live hub). Only a hash is stored; it expires, and can be revoked at any time.
/// </summary>
public sealed class PersonalToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public required byte[] TokenHash { get; set; }
    /// <summary>First characters of the token, to recognise it in lists.</summary>
    public required string Prefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>
    /// The account's security stamp when the token was made: a password change or "sign out everywhere" changes the
    /// stamp and so ends every token made before it (a stolen session cannot leave a token behind).
    /// </summary>
    public string? SecurityStamp { get; set; }
}

/// <summary>A query a user ran in the explorer, so they can run it again (the last few per user are kept).</summary>
public sealed class RecentQuery
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    /// <summary>The explorer's form as it travels in the URL (opaque to storage).</summary>
    public required string Form { get; set; }
    /// <summary>One line for people, e.g. "count by type · last 24 h · Aurora".</summary>
    public required string Summary { get; set; }
    public DateTimeOffset RanAt { get; set; }
}
