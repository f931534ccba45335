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
