using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Demo;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Security;

/// <summary>A demo account (listed in README; exists only in demo mode).</summary>
public sealed record DemoAccount(string Email, string DisplayName, string Password, string Role, Guid? OrganisationId);

/// <summary>
/// Accounts at start-up: the roles, the demo accounts in demo mode (locked otherwise, so their published passwords
/// never open a production deployment), and the bootstrap admin a deployment configures for itself.
/// </summary>
public static class AccountSeeder
{
    public static readonly IReadOnlyList<DemoAccount> DemoAccounts =
    [
        new("admin@crowdstart.demo", "Ada Admin", "Crowdstart-admin-demo", Roles.Admin, null),
        new("maya@aurora.demo", "Maya (Aurora Studio)", "Crowdstart-maya-demo", Roles.Creator, DemoCampaigns.Aurora.Id),
        new("theo@trailblazer.demo", "Theo (Trailblazer Gear)", "Crowdstart-theo-demo", Roles.Creator, DemoCampaigns.Trailblazer.Id),
    ];

    public static Task InitializeDashboardAsync(this WebApplication app) =>
        SeedAccountsAsync(app.Services, app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled);

    /// <summary>Roles, demo accounts (created and unlocked in demo mode, locked otherwise) and the bootstrap admin.</summary>
    public static async Task SeedAccountsAsync(IServiceProvider root, bool demo)
    {
        await using var scope = root.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var admin = services.GetRequiredService<AccountAdmin>();
        var users = services.GetRequiredService<UserManager<CrowdstartUser>>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Crowdstart.Accounts");
        await admin.EnsureRolesAsync();

        foreach (var account in DemoAccounts)
        {
            var user = await users.FindByEmailAsync(account.Email);
            if (demo)
            {
                if (user is null)
                {
                    var (_, errors) = await admin.CreateAsync(Actor.System, account.Email, account.DisplayName, account.Password, account.Role, account.OrganisationId);
                    if (errors.Count > 0)
                    {
                        throw new InvalidOperationException($"Demo account {account.Email}: {string.Join("; ", errors)}");
                    }
                }
                else
                {
                    // The README's passwords must always work in demo mode.
                    await users.SetLockoutEndDateAsync(user, null);
                    await users.ResetAccessFailedCountAsync(user);
                    await users.RemovePasswordAsync(user);
                    await users.AddPasswordAsync(user, account.Password);
                }
            }
            else if (user is not null && !await users.IsLockedOutAsync(user))
            {
                await users.SetLockoutEnabledAsync(user, true);
                await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
                await users.UpdateSecurityStampAsync(user);
                logger.LogWarning("Demo mode is off: demo account {Email} is locked", account.Email);
            }
        }

        var options = services.GetRequiredService<IOptions<AccountOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(options.BootstrapAdminEmail) && await users.FindByEmailAsync(options.BootstrapAdminEmail) is null &&
            (await users.GetUsersInRoleAsync(Roles.Admin)).All(u => u.LockoutEnd is { } end && end > DateTimeOffset.UtcNow))
        {
            if (string.IsNullOrEmpty(options.BootstrapAdminPassword))
            {
                throw new InvalidOperationException("Accounts:BootstrapAdminEmail is set but Accounts:BootstrapAdminPassword is not.");
            }
            var (_, errors) = await admin.CreateAsync(Actor.System, options.BootstrapAdminEmail, "Administrator", options.BootstrapAdminPassword, Roles.Admin, null);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException($"Bootstrap admin: {string.Join("; ", errors)}");
            }
            logger.LogInformation("Created the bootstrap admin {Email}", options.BootstrapAdminEmail);
        }
    }
}
