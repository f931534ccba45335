using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Crowdstart.Dashboard.Security;

/// <summary>Sign-in and sign-out: plain form posts (antiforgery-checked) that set or clear the auth cookie.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        var account = routes.MapGroup("/account").ExcludeFromDescription();
        account.MapPost("/login", LoginAsync).AllowAnonymous();
        account.MapPost("/logout", LogoutAsync).RequireAuthorization();
        return routes;
    }

    private static async Task<IResult> LoginAsync([FromForm] LoginForm form, SignInManager<CrowdstartUser> signIn, ILoggerFactory loggers)
    {
        var returnUrl = SafeReturnUrl(form.ReturnUrl);
        if (string.IsNullOrWhiteSpace(form.Email) || string.IsNullOrEmpty(form.Password))
        {
            return Back("missing", returnUrl);
        }
        var result = await signIn.PasswordSignInAsync(form.Email.Trim(), form.Password, isPersistent: form.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return Results.LocalRedirect(returnUrl);
        }
        // The typed identifier is sometimes a password pasted in the wrong field: log a short hash, never the text.
        var who = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(form.Email.Trim().ToUpperInvariant())))[..12];
        loggers.CreateLogger("Crowdstart.Account").LogWarning("Failed sign-in for identifier hash {Who} (locked out: {Locked})", who, result.IsLockedOut);
        return Back(result.IsLockedOut ? "locked" : "invalid", returnUrl);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, IAntiforgery antiforgery, SignInManager<CrowdstartUser> signIn)
    {
        // No form fields are bound here, so the framework would not check the token by itself: a cross-site form
        // must not be able to sign people out.
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.Problem("The sign-out form's antiforgery token is missing or invalid.", statusCode: StatusCodes.Status400BadRequest);
        }
        await signIn.SignOutAsync();
        return Results.LocalRedirect(Utils.DashboardUrls.SignedOut);
    }

    private static IResult Back(string error, string returnUrl) =>
        Results.LocalRedirect(Utils.DashboardUrls.Login(returnUrl, error));

    /// <summary>
    /// Only local paths: an open redirect would let a phishing link bounce through our sign-in. Control characters
    /// (a tab or newline in <c>ReturnUrl</c>) go home too: browsers strip them, so <c>/\t/evil.example</c> would be
    /// <c>//evil.example</c>, and the framework's local-redirect check refuses them by throwing.
    /// </summary>
    public static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\") && !url.Any(char.IsControl) ? url : "/";

    /// <summary>The sign-in form.</summary>
    public sealed class LoginForm
    {
        public string? Email { get; set; }
        public string? Password { get; set; }
        public bool RememberMe { get; set; }
        public string? ReturnUrl { get; set; }
    }
}
