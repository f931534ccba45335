using System.Security.Claims;
using System.Text.Encodings.Web;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer cs_pat_…</c> as the token's user, built by the same claims factory as a
/// cookie sign-in (roles, security stamp) so every later check treats both alike. Looked up on every request:
/// revoked or expired tokens and locked accounts stop at once. Only routes whose policy is
/// <see cref="Policies.Programmatic"/> run this scheme; pages and management APIs stay cookie-only.
/// </summary>
public sealed class PersonalTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    PersonalTokens tokens, UserManager<CrowdstartUser> users, SignInManager<CrowdstartUser> signIn)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PersonalToken";

    /// <summary>
    /// The programmatic routes' scheme: the token handler when the request carries <c>Bearer cs_pat_…</c>, the
    /// cookie otherwise; never both, so a request has exactly one identity.
    /// </summary>
    public const string CookieOrTokenScheme = "CookieOrPersonalToken";

    /// <summary>Whether the request presents a personal API token.</summary>
    public static bool HasToken(HttpRequest request) => TokenOf(request) is not null;

    /// <summary>The <c>cs_pat_…</c> token in the request's <c>Authorization: Bearer</c> header, or null.</summary>
    private static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var value = header["Bearer ".Length..].Trim();
        return value.StartsWith(PersonalTokens.Prefix, StringComparison.Ordinal) ? value : null;
    }

    /// <summary>Claim naming the token a principal came from (long-lived connections re-check it).</summary>
    public const string TokenIdClaim = "crowdstart:token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Request) is not { } value)
        {
            return AuthenticateResult.NoResult();
        }
        var token = await tokens.FindLiveAsync(value, Context.RequestAborted);
        if (token is null)
        {
            return AuthenticateResult.Fail("The API token is unknown, expired or revoked.");
        }
        var user = await users.FindByIdAsync(token.UserId.ToString());
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return AuthenticateResult.Fail("The API token's account is locked or no longer exists.");
        }
        if (!string.Equals(user.SecurityStamp, token.SecurityStamp, StringComparison.Ordinal))
        {
            return AuthenticateResult.Fail("The API token was made before the account's password or sessions changed; create a new one.");
        }
        var principal = await signIn.CreateUserPrincipalAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(TokenIdClaim, token.Id.ToString()));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, new AuthenticationProperties { ExpiresUtc = token.ExpiresAt }, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = result.Failure is { } failure
            ? $"Bearer error=\"invalid_token\", error_description=\"{failure.Message}\""
            : "Bearer";
    }
}
