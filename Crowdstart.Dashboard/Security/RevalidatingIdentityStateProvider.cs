using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Security;

/// <summary>
/// Re-checks a circuit's user every minute: a locked, deleted or password-changed account (new security stamp)
/// loses its open pages without waiting for the cookie to expire.
/// </summary>
public sealed class RevalidatingIdentityStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopeFactory, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        await PrincipalValidation.CurrentActorAsync(scopeFactory, authenticationState.User, options.Value) is not null;
}
