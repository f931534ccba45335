using Crowdstart.Pipeline.Accounts;
using Microsoft.AspNetCore.Authorization;

namespace Crowdstart.Dashboard.Security;

/// <summary>
/// Checks campaign-scoped policies against the database. The campaign comes from the resource: the HTTP request's
/// route values (endpoint authorization), a Blazor page's <see cref="Microsoft.AspNetCore.Components.RouteData"/> (in-circuit navigation), or a
/// campaign id passed directly (hub methods and services).
/// </summary>
public sealed class CampaignAuthorizationHandler(CampaignAccess access) : AuthorizationHandler<CampaignRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, CampaignRequirement requirement)
    {
        if (Actor.From(context.User) is not { } actor || CampaignIdOf(context.Resource) is not { } campaignId)
        {
            return;
        }
        var allowed = requirement.Required switch
        {
            CampaignRequirement.Level.Read => await access.CanReadAsync(actor, campaignId),
            CampaignRequirement.Level.Manage => await access.CanManageAsync(actor, campaignId),
            _ => await access.LiveGrantAsync(actor, campaignId) is not null,
        };
        if (allowed)
        {
            context.Succeed(requirement);
        }
    }

    /// <summary>The campaign a resource points at, or null when it names none (then the policy fails closed).</summary>
    public static Guid? CampaignIdOf(object? resource)
    {
        object? value = resource switch
        {
            Guid id => id,
            HttpContext http => http.GetRouteValue("campaignId"),
            Microsoft.AspNetCore.Components.RouteData route => route.RouteValues.FirstOrDefault(p => string.Equals(p.Key, "campaignId", StringComparison.OrdinalIgnoreCase)).Value,
            _ => null,
        };
        return value switch
        {
            Guid g => g,
            string s when Guid.TryParse(s, out var g) => g,
            _ => null,
        };
    }
}
