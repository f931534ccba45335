using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.Identity;

namespace Crowdstart.Dashboard.Security;

/// <summary>Creates accounts: admins create creators (in an organisation) and other admins.</summary>
public sealed class AccountAdmin(UserManager<CrowdstartUser> users, RoleManager<IdentityRole<Guid>> roles, Organisations organisations,
    AuditLog audit, TimeProvider time)
{
    /// <summary>Creates a user with a role (and, for creators, an organisation); returns the user or Identity's errors.</summary>
    public async Task<(UserView? User, IReadOnlyList<string> Errors)> CreateAsync(Actor actor, string email, string displayName,
        string password, string role, Guid? organisationId)
    {
        if (!actor.IsAdmin && actor != Actor.System)
        {
            throw new AccessDeniedException("Only admins create accounts.");
        }
        if (role is not (Roles.Admin or Roles.Creator))
        {
            return (null, [$"Unknown role '{role}'."]);
        }
        if (role == Roles.Creator && organisationId is null)
        {
            return (null, ["A creator belongs to an organisation."]);
        }
        await EnsureRolesAsync();
        var user = new CrowdstartUser
        {
            Id = Guid.NewGuid(), UserName = email.Trim(), Email = email.Trim(), EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? email.Trim() : displayName.Trim(), CreatedAt = time.GetUtcNow(),
            CreatedByUserId = actor.AuditUserId,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return (null, [.. created.Errors.Select(e => e.Description)]);
        }
        await users.AddToRoleAsync(user, role);
        await audit.WriteAsync(actor, AuditActions.AccountCreated, details: $"{user.Email} as {role}");
        if (organisationId is { } org)
        {
            await organisations.AddMemberAsync(actor, org, user.Id);
        }
        return (new UserView(user.Id, user.Email, user.DisplayName, [role], LockedOut: false), []);
    }

    /// <summary>Every account with its roles, by e-mail (admins).</summary>
    public async Task<List<UserView>> ListAsync(Actor actor)
    {
        if (!actor.IsAdmin)
        {
            throw new AccessDeniedException("Only admins list accounts.");
        }
        var list = new List<UserView>();
        foreach (var user in users.Users.OrderBy(u => u.Email).ToList())
        {
            list.Add(new UserView(user.Id, user.Email ?? "", user.DisplayName, [.. await users.GetRolesAsync(user)],
                user.LockoutEnd is { } end && end > time.GetUtcNow()));
        }
        return list;
    }

    /// <summary>Makes sure both roles exist.</summary>
    public async Task EnsureRolesAsync()
    {
        foreach (var role in new[] { Roles.Admin, Roles.Creator })
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Guid.NewGuid() });
            }
        }
    }
}

/// <summary>An account as admins see it.</summary>
public sealed record UserView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool LockedOut);
