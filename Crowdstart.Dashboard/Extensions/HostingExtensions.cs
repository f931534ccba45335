using Crowdstart.Dashboard.Api;
using Crowdstart.Dashboard.Components;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using MudBlazor.Services;

namespace Crowdstart.Dashboard.Extensions;

/// <summary>Wires the dashboard into the host.</summary>
public static class HostingExtensions
{
    /// <summary>File name of the repository-root <c>appsettings.json</c> once copied next to the binaries.</summary>
    public const string SettingsFileName = "crowdstart.appsettings.json";

    /// <summary>
    /// Reads the single repository-level <c>appsettings.json</c> (copied to the output folder), placed just
    /// before the environment variables so that they, and the command line, override it.
    /// </summary>
    public static WebApplicationBuilder AddCrowdstartConfiguration(this WebApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        var source = new JsonConfigurationSource
        {
            Path = SettingsFileName,
            Optional = false,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        };
        var envIndex = sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
        sources.Insert(envIndex < 0 ? sources.Count : envIndex, source);
        // Static web assets (MudBlazor, blazor.web.js, apexcharts) are served from the build output in any
        // environment, so `dotnet run` works without a publish; it is a no-op for published apps.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.AddDashboardSecurity();
        builder.Services.AddExceptionHandler<AccessDeniedExceptionHandler>();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddTransient<Model.CampaignsOverviewViewModel>();
        builder.Services.AddTransient<Model.CampaignLiveViewModel>();
        builder.Services.AddSingleton<DashboardFormatter>();
        builder.Services.AddSingleton<CampaignLiveSource>();
        builder.Services.AddSignalR();
        return builder;
    }

    public static WebApplication UseDashboard(this WebApplication app)
    {
        // Behind a TLS-terminating proxy (from loopback by default) the request is known to be HTTPS: Secure cookies.
        app.UseForwardedHeaders();
        // API clients get ProblemDetails for failures and unknown routes; people get the app's error pages.
        app.UseWhen(IsApi, api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(context => !IsApi(context), ui =>
        {
            if (!app.Environment.IsDevelopment())
            {
                ui.UseExceptionHandler("/Error", createScopeForErrors: true);
            }
            ui.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapPipelineApi();
        app.MapAccountEndpoints();
        app.MapCampaignApi();
        app.MapQueryApi();
        // Connections end when the cookie they were opened with expires.
        app.MapHub<Hubs.CampaignHub>(Hubs.CampaignHub.Route, o => o.CloseOnAuthenticationExpiration = true);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    // Hub clients are programs too: they get status codes, not pages.
    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs");
}

/// <summary>
/// A denied access that surfaced as an exception (e.g. a grant that ended between the policy check and the read)
/// is a 403 for API clients, never a 500.
/// </summary>
internal sealed class AccessDeniedExceptionHandler(IProblemDetailsService problems) : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not Pipeline.Accounts.AccessDeniedException denied)
        {
            return false;
        }
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = denied.Message },
        });
    }
}
