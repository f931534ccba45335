using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Microsoft.AspNetCore.Components.Authorization;

namespace Crowdstart.Dashboard.Security;

/// <summary>The signed-in user of the current circuit, as an <see cref="Actor"/> for access checks and the audit log.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authentication)
{
    /// <summary>The actor, or null when nobody is signed in.</summary>
    public async Task<Actor?> GetAsync() => Actor.From((await authentication.GetAuthenticationStateAsync()).User);

    /// <summary>The actor; throws when nobody is signed in (pages that call it require authentication).</summary>
    public async Task<Actor> RequireAsync() => await GetAsync() ?? throw new AccessDeniedException("Sign in first.");
}
