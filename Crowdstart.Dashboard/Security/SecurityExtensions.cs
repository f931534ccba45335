using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crowdstart.Dashboard.Security;

/// <summary>Accounts (ASP.NET Core Identity), cookies and authorization policies.</summary>
public static class SecurityExtensions
{
    /// <summary>Name of the authentication cookie.</summary>
    public const string AuthCookieName = "crowdstart.auth";

    public static WebApplicationBuilder AddDashboardSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.SectionName)
            .Validate(o => o.SessionValidationSeconds is >= 1 and <= 60,
                "Accounts:SessionValidationSeconds must be between 1 and 60 (open pages are re-checked every minute; cookies at least as often)")
            .ValidateOnStart();
        services.AddIdentityCore<CrowdstartUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // Length over composition rules (NIST SP 800-63B): 12+ characters, no forced digits or symbols.
                o.Password.RequiredLength = 12;
                o.Password.RequiredUniqueChars = 5;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireDigit = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<CrowdstartDbContext>()
            .AddUserManager<CrowdstartUserManager>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.Replace(ServiceDescriptor.Scoped<ISecurityStampValidator, SessionValidator>());
        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, PersonalTokenHandler>(PersonalTokenHandler.SchemeName, null)
            .AddPolicyScheme(PersonalTokenHandler.CookieOrTokenScheme, "Cookie or personal API token", o =>
                o.ForwardDefaultSelector = context => PersonalTokenHandler.HasToken(context.Request) ? PersonalTokenHandler.SchemeName : IdentityConstants.ApplicationScheme);
        services.AddAuthentication().AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = AuthCookieName;
            o.Cookie.HttpOnly = true;
            // Secure whenever the request is HTTPS (behind a TLS proxy too: forwarded headers are honoured);
            // Accounts:SecureCookiesOnly makes it unconditional for deployments that are never reached over HTTP.
            o.Cookie.SecurePolicy = builder.Configuration.GetValue<bool>("Accounts:SecureCookiesOnly")
                ? CookieSecurePolicy.Always
                : CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = Utils.DashboardUrls.LoginPath;
            o.Events = new CookieAuthenticationEvents
            {
                // Identity's cookie setup puts the security stamp check here; replacing the events must keep it, or a
                // locked account's cookie works until it expires. See SessionValidator.
                OnValidatePrincipal = SecurityStampValidator.ValidatePrincipalAsync,
                // API clients get status codes, not a login page.
                OnRedirectToLogin = context => Redirect(context, StatusCodes.Status401Unauthorized, toLogin: true),
                // People get "not found" for a campaign they may not see: its existence is not confirmed either.
                OnRedirectToAccessDenied = context => Redirect(context, IsApi(context.Request) ? StatusCodes.Status403Forbidden : StatusCodes.Status404NotFound, toLogin: false),
            };
        });
        // Locked or deleted accounts lose their cookies within Accounts:SessionValidationSeconds (a minute) on reads,
        // at once on state changes, and their open circuits within a minute.
        services.AddOptions<SecurityStampValidatorOptions>().Configure<Microsoft.Extensions.Options.IOptions<AccountOptions>>((o, accounts) =>
            o.ValidationInterval = TimeSpan.FromSeconds(accounts.Value.SessionValidationSeconds));
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddCascadingAuthenticationState();

        services.AddSingleton<IAuthorizationHandler, CampaignAuthorizationHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Programmatic, p => p.AddAuthenticationSchemes(PersonalTokenHandler.CookieOrTokenScheme).RequireAuthenticatedUser())
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Policies.CampaignReader, p => p.RequireAuthenticatedUser().AddRequirements(new CampaignRequirement(CampaignRequirement.Level.Read)))
            .AddPolicy(Policies.CampaignManager, p => p.RequireAuthenticatedUser().AddRequirements(new CampaignRequirement(CampaignRequirement.Level.Manage)))
            .AddPolicy(Policies.CustomerData, p => p.RequireAuthenticatedUser().AddRequirements(new CampaignRequirement(CampaignRequirement.Level.CustomerData)));
        services.Configure<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>(o =>
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto);
        services.AddScoped<CurrentUser>();
        services.AddScoped<AccountAdmin>();
        return builder;

        static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int apiStatus, bool toLogin)
        {
            if (IsApi(context.Request) || !toLogin)
            {
                context.Response.StatusCode = apiStatus;
                return Task.CompletedTask;
            }
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs");
}

/// <summary>Account settings (section <c>Accounts</c>).</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>
    /// E-mail of an admin account to create at start-up when no admin exists yet (with <see cref="BootstrapAdminPassword"/>).
    /// This is how a deployment gets its first admin; there are no built-in credentials.
    /// </summary>
    public string? BootstrapAdminEmail { get; set; }

    /// <summary>Password of the bootstrap admin; give it through an environment variable, never in a file.</summary>
    public string? BootstrapAdminPassword { get; set; }

    /// <summary>Marks the auth cookie Secure even on plain-HTTP requests (set it where the app is only reached over HTTPS).</summary>
    public bool SecureCookiesOnly { get; set; }

    /// <summary>
    /// How often a cookie's account is re-checked on reads (exists, not locked out, same security stamp), in
    /// seconds; state-changing requests re-check on every request whatever this says.
    /// </summary>
    public int SessionValidationSeconds { get; set; } = 60;
}
