using Microsoft.AspNetCore.Authorization;

namespace Crowdstart.Dashboard.Security;

/// <summary>What a campaign-scoped policy requires of the user.</summary>
public sealed class CampaignRequirement(CampaignRequirement.Level level) : IAuthorizationRequirement
{
    public enum Level { Read, Manage, CustomerData }

    public Level Required { get; } = level;
}
