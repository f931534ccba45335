using System.Security.Claims;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>The two roles of the product.</summary>
public static class Roles
{
    /// <summary>Runs the platform: organisations, accounts, data-access grants, retention, the audit log.</summary>
    public const string Admin = "Admin";

    /// <summary>Runs campaigns of the organisations they belong to.</summary>
    public const string Creator = "Creator";
}

/// <summary>Who is acting, as far as access decisions and the audit log are concerned.</summary>
/// <param name="UserId">The signed-in user's id; <see cref="Guid.Empty"/> for the system.</param>
/// <param name="Name">User name (e-mail) written to the audit log.</param>
/// <param name="IsAdmin">Holds the <see cref="Roles.Admin"/> role.</param>
public sealed record Actor(Guid UserId, string Name, bool IsAdmin)
{
    /// <summary>Background jobs (retention) acting on their own.</summary>
    public static readonly Actor System = new(Guid.Empty, "system", false);

    /// <summary>The actor behind a signed-in principal, or null for anonymous or malformed principals.</summary>
    public static Actor? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true ||
            !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) || id == Guid.Empty)
        {
            return null;
        }
        return new Actor(id, principal.Identity.Name ?? id.ToString(), principal.IsInRole(Roles.Admin));
    }

    /// <summary>The audit log's user id: null for the system.</summary>
    public Guid? AuditUserId => UserId == Guid.Empty ? null : UserId;
}
