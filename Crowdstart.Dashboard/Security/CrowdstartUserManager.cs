using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Security;

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
