using Microsoft.AspNetCore.DataProtection;
using Crowdstart.Pipeline.Configuration;
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
        services.AddValidatedOptions<AccountOptions, ValidateAccountOptions>(AccountOptions.SectionName);
        services.AddValidatedOptions<BrowserProtectionOptions, ValidateBrowserProtectionOptions>(BrowserProtectionOptions.SectionName);
        // Cookies, antiforgery tokens and circuits are protected with keys every instance must share: in PostgreSQL,
        // which every instance reaches (a key ring per machine would sign a user out when a request lands elsewhere).
        services.AddDataProtection().SetApplicationName("Crowdstart").PersistKeysToDbContext<CrowdstartDbContext>();
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
        // Secure whenever the request is HTTPS (behind a TLS proxy too: forwarded headers are honoured);
        // Accounts:SecureCookiesOnly makes it unconditional for deployments that are never reached over HTTP.
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<Microsoft.Extensions.Options.IOptions<AccountOptions>>((o, accounts) =>
            o.Cookie.SecurePolicy = accounts.Value.SecureCookiesOnly ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
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
