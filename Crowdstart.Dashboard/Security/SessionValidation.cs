using System.Security.Claims;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Security;

/// <summary>
/// Re-checks a cookie's account against the database: exists, is not locked out, same security stamp. Reads do it
/// once per <see cref="SecurityStampValidatorOptions.ValidationInterval"/> (they are frequent and harmless);
/// state-changing requests (anything but GET, HEAD, OPTIONS, TRACE) do it every time, one primary-key lookup,
/// because they are rare and a locked account must not create an ingest key in the minute before its next check.
/// </summary>
public sealed class SessionValidator(IOptions<SecurityStampValidatorOptions> options, SignInManager<CrowdstartUser> signInManager,
    ILoggerFactory logger) : SecurityStampValidator<CrowdstartUser>(options, signInManager, logger)
{
    public override async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var method = context.Request.Method;
        var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
        if (!safe && await VerifySecurityStamp(context.Principal) is null)
        {
            Logger.LogDebug("Refused a {Method} request: its account is locked, gone or signed out elsewhere", method);
            context.RejectPrincipal();
            await SignInManager.SignOutAsync();
            return;
        }
        // Reads, and state changes that passed: the interval check, which also refreshes the cookie's roles.
        await base.ValidateAsync(context);
    }

    /// <summary>The security stamp check, and a locked-out account fails it as well.</summary>
    protected override async Task<CrowdstartUser?> VerifySecurityStamp(ClaimsPrincipal? principal)
    {
        var user = await base.VerifySecurityStamp(principal);
        return user is not null && await SignInManager.UserManager.IsLockedOutAsync(user) ? null : user;
    }
}

/// <summary>
/// Identity's user manager, except that locking an account on purpose (a lockout end in the future, set by an admin
/// or the seeder) also renews its security stamp: every cookie, circuit and personal token made before the lock
/// then fails its next check for good, not only while the lockout lasts. Lockouts from wrong passwords
/// (<see cref="UserManager{TUser}.AccessFailedAsync"/>) keep the stamp: a stranger guessing passwords must not be
/// able to end the owner's sessions for good, only to suspend them while the lockout lasts.
/// </summary>
public sealed class CrowdstartUserManager(IUserStore<CrowdstartUser> store, IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<CrowdstartUser> passwordHasher, IEnumerable<IUserValidator<CrowdstartUser>> userValidators,
    IEnumerable<IPasswordValidator<CrowdstartUser>> passwordValidators, ILookupNormalizer keyNormalizer, IdentityErrorDescriber errors,
    IServiceProvider services, ILogger<UserManager<CrowdstartUser>> logger, TimeProvider time)
    : UserManager<CrowdstartUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public override async Task<IdentityResult> SetLockoutEndDateAsync(CrowdstartUser user, DateTimeOffset? lockoutEnd)
    {
        var result = await base.SetLockoutEndDateAsync(user, lockoutEnd);
        return result.Succeeded && lockoutEnd > time.GetUtcNow() ? await UpdateSecurityStampAsync(user) : result;
    }
}
