using System.Security.Claims;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.Identity;

namespace Crowdstart.Dashboard.Security;

/// <summary>
/// Checks a long-lived principal (a circuit, a hub connection) against the account as it is now: the account
/// exists, is not locked out, its security stamp still matches the cookie's, and its roles come from the database.
/// </summary>
public static class PrincipalValidation
{
    /// <summary>The actor as the database sees it now, or null when the principal is no longer valid.</summary>
    public static async Task<Actor?> CurrentActorAsync(IServiceScopeFactory scopes, ClaimsPrincipal principal, IdentityOptions options)
    {
        if (Actor.From(principal) is null)
        {
            return null;
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CrowdstartUser>>();
        var user = await users.GetUserAsync(principal);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return null;
        }
        if (users.SupportsUserSecurityStamp &&
            principal.FindFirstValue(options.ClaimsIdentity.SecurityStampClaimType) != await users.GetSecurityStampAsync(user))
        {
            return null;
        }
        // A token's connection lives only as long as the token.
        if (principal.FindFirstValue(PersonalTokenHandler.TokenIdClaim) is { } tokenId &&
            !(Guid.TryParse(tokenId, out var id) && await scope.ServiceProvider.GetRequiredService<PersonalTokens>().IsLiveAsync(id)))
        {
            return null;
        }
        return new Actor(user.Id, user.UserName ?? user.Id.ToString(), await users.IsInRoleAsync(user, Roles.Admin));
    }
}
