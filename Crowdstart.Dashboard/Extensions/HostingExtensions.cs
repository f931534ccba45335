using Crowdstart.Dashboard.Api;
using Crowdstart.Dashboard.Components;
using Crowdstart.Dashboard.Hubs;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using MudBlazor.Services;
using OpenTelemetry.Metrics;

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
        builder.Services.AddExceptionHandler<DomainExceptionHandler>();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddTransient<Model.CampaignsOverviewViewModel>();
        builder.Services.AddTransient<Model.CampaignLiveViewModel>();
        builder.Services.AddTransient<Model.CampaignComparisonViewModel>();
        builder.Services.AddTransient<Model.CampaignSettingsViewModel>();
        builder.Services.AddTransient<Model.SharedDashboardViewModel>();
        builder.AddDashboardServices();
        builder.AddCampaignHub();
        // Metrics for a Prometheus scrape: the pipeline's and the dashboard's instruments, plus ASP.NET Core's own
        // (requests, Kestrel connections, SignalR) and the runtime's (GC, thread pool), all built into .NET.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Pipeline.Observability.PipelineMetrics.MeterName, DashboardMetrics.MeterName,
                "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections", "System.Runtime")
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication UseDashboard(this WebApplication app)
    {
        // Behind a TLS-terminating proxy (from loopback by default) the request is known to be HTTPS: Secure cookies.
        app.UseForwardedHeaders();
        app.UseMiddleware<BrowserProtection>();
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
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Hubs.CircuitConnectionLimit.Path),
            circuits => circuits.UseMiddleware<Hubs.CircuitConnectionLimit>());
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        MapHealth(app);
        app.MapOpenApi().AllowAnonymous();
        // The load balancer routes by path to the instances whose role serves it; a request that reaches an instance
        // without the role gets a 404 saying so, for any method (unmapped, a POST would meet the static-asset fallback's
        // 405), so a misrouted request fails loudly instead of half-working.
        var instance = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Pipeline.Cluster.InstanceOptions>>().Value;
        if (instance.Has(Pipeline.Cluster.InstanceRoles.Ingest))
        {
            app.MapIngestApi();
            app.MapSegmentApi();
        }
        else
        {
            foreach (var route in SegmentApi.Routes.Select(r => r.Route).Prepend(IngestApi.EventsRoute))
            {
                app.Map(route, NotServed(Pipeline.Cluster.InstanceRoles.Ingest)).AllowAnonymous().ExcludeFromDescription()
                    .WithDisplayName(NotServedName + Pipeline.Cluster.InstanceRoles.Ingest);
            }
        }
        if (instance.Has(Pipeline.Cluster.InstanceRoles.Dashboard))
        {
            MapDashboard(app);
        }
        else
        {
            app.MapFallback(NotServed(Pipeline.Cluster.InstanceRoles.Dashboard)).AllowAnonymous().WithDisplayName(NotServedName + Pipeline.Cluster.InstanceRoles.Dashboard);
        }
        return app;
    }

    /// <summary>Display name prefix of the endpoints that answer for a role this instance does not have.</summary>
    public const string NotServedName = "Not served here: ";

    private static Delegate NotServed(Pipeline.Cluster.InstanceRoles role) => () => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Not served by this instance",
        detail: $"This route is served by instances with the {role} role (Instance:Roles); this one does not have it.");

    private static void MapDashboard(WebApplication app)
    {
        app.MapAccountEndpoints();
        app.MapCampaignApi();
        app.MapCampaignSettingsApi();
        app.MapQueryApi();
        // Connections end when the cookie they were opened with expires.
        app.MapHub<Hubs.CampaignHub>(Hubs.CampaignHub.Route, o => o.CloseOnAuthenticationExpiration = true);
        // BrowserProtection sends the whole Content-Security-Policy, frame-ancestors included.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
    }

    /// <summary>
    /// <c>/healthz</c>: the process answers (liveness, no dependencies). <c>/readyz</c>: the database answers and the
    /// pipeline keeps up (JSON with the lag). <c>/metrics</c>: Prometheus text format. Anonymous, like any probe:
    /// they carry no campaign or customer data; restrict them to the monitoring network at the proxy.
    /// </summary>
    private static void MapHealth(WebApplication app)
    {
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous().DisableHttpMetrics();
        app.MapHealthChecks("/readyz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Pipeline.Observability.ObservabilityOptions.ReadyTag),
            ResponseWriter = WriteReadinessAsync,
        }).AllowAnonymous().DisableHttpMetrics();
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Pipeline.Observability.ObservabilityOptions>>().Value.PrometheusEndpoint)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().DisableHttpMetrics();
        }
    }

    private static Task WriteReadinessAsync(HttpContext http, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        });
    }

    // Hub clients are programs too: they get status codes, not pages.
    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs");
}
