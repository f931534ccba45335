using Crowdstart.Dashboard.Api;
using Crowdstart.Pipeline.Retention;
using Crowdstart.Dashboard.Extensions;
using Crowdstart.Dashboard.Hubs;
using Crowdstart.Pipeline;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard;

/// <summary>
/// The app's wiring without a database: settings are checked before anything touches PostgreSQL, so these hosts point
/// at a port nothing listens on and still prove what they prove.
/// </summary>
[Layer(TestLayer.Unit)]
public sealed class StartupValidationTests
{
    private const string NoDatabase = "Host=127.0.0.1;Port=1;Database=crowdstart_never;Timeout=1";

    [Fact]
    public void Start_InvalidSettings_RefusesNamingEveryBadKey()
    {
        using var factory = new BadSettingsFactory(new()
        {
            ["Ingestion:MaxEventsPerRequest"] = "0",
            ["Hub:MaxMessageBytes"] = "100",
            ["Retention:CustomerDataDays"] = "400",
        });

        var error = Record.Exception(() => factory.Services);

        Assert.NotNull(error);
        var messages = string.Join("\n", Messages(error));
        Assert.Contains("Ingestion:MaxEventsPerRequest must be between 1 and 100,000 (was 0)", messages);
        Assert.Contains("Hub:MaxMessageBytes must be between 1,024 and 1,048,576 (was 100)", messages);
        Assert.Contains("Retention:CustomerDataDays must be at most Retention:RawEventDays (was 400 > 365)", messages);
    }

    [Fact]
    public void Build_ShippedSettings_PassEveryValidator()
    {
        using var app = BuildApp();

        // What ValidateOnStart runs when the host starts, here without starting it.
        var validate = Record.Exception(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Null(validate);
    }

    [Fact]
    public void Build_HostedServices_AreRegisteredInStartOrder()
    {
        using var app = BuildApp();

        var ours = OurHostedServices(app);

        // Hosted services start in this order; the bus between instances listens before anything publishes on it,
        // the appender must take events before the consumers look for them, and the retention job must come last,
        // after everything that writes.
        Assert.Equal(
            ["ClusterBus", "EventAppender", "IngestActivity", "LogNotificationListener", "PipelineWorker", "MetricsRebuildWorker", "PipelineLagMonitor", "TimeSeriesMaintenance",
                "DemoTrafficGenerator", "AlertMonitor", "WebhookDispatcher", "ForecastService", "RetentionService"],
            ours);
    }

    [Theory]
    [InlineData("Ingest", new[] { "ClusterBus", "EventAppender", "IngestActivity", "PipelineLagMonitor", "TimeSeriesMaintenance", "DemoTrafficGenerator" })]
    [InlineData("Dashboard", new[] { "ClusterBus", "EventAppender", "PipelineLagMonitor", "TimeSeriesMaintenance" })]
    [InlineData("Pipeline, Dashboard", new[] { "ClusterBus", "EventAppender", "LogNotificationListener", "PipelineWorker", "MetricsRebuildWorker", "PipelineLagMonitor",
        "TimeSeriesMaintenance", "AlertMonitor", "WebhookDispatcher", "ForecastService", "RetentionService" })]
    public void Build_InstanceRoles_RunOnlyTheirBackgroundWork(string roles, string[] expected)
    {
        // Arrange
        using var app = BuildApp(("Instance:Roles", roles));

        // Act
        var ours = OurHostedServices(app);

        // Assert: consumers, alerts, webhooks and retention are the pipeline's; the demo posts to its own ingest API
        Assert.Equal(expected, ours);
    }

    [Theory]
    [InlineData("Ingest", true, false)]
    [InlineData("Dashboard", false, true)]
    [InlineData("Ingest,Pipeline,Dashboard", true, true)]
    public void UseDashboard_InstanceRoles_MapOnlyTheirRoutes(string roles, bool ingest, bool dashboard)
    {
        // Arrange
        using var app = BuildApp(("Instance:Roles", roles));

        // Act
        app.UseDashboard();
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
        var routes = endpoints.Where(e => e.DisplayName?.StartsWith(HostingExtensions.NotServedName, StringComparison.Ordinal) != true)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToHashSet();
        var refused = endpoints.Select(e => e.DisplayName).Where(n => n?.StartsWith(HostingExtensions.NotServedName, StringComparison.Ordinal) == true).ToList();

        // Assert: probes answer on every instance, whatever it serves; a role's absence is said, not left to chance
        Assert.Contains("/healthz", routes);
        Assert.Contains("/readyz", routes);
        Assert.Equal(ingest, routes.Contains("/api/v1/events"));
        Assert.Equal(dashboard, routes.Contains(CampaignHub.Route));
        Assert.Equal(dashboard, routes.Contains("/account/login"));
        // /api/v1/events and the four Segment routes.
        Assert.Equal(ingest ? 0 : 1 + SegmentApi.Routes.Count, refused.Count(n => n!.EndsWith("Ingest", StringComparison.Ordinal)));
        Assert.Equal(dashboard ? 0 : 1, refused.Count(n => n!.EndsWith("Dashboard", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("None", "Instance:Roles must name one or more of Ingest, Pipeline, Dashboard, comma-separated (was None)")]
    [InlineData("8", "Instance:Roles must name one or more of Ingest, Pipeline, Dashboard, comma-separated (was 8)")]
    [InlineData("Ingest, Reporting", "Instance:Roles")]
    public void Start_UnknownInstanceRoles_RefusesNamingTheKey(string roles, string expected)
    {
        // Arrange
        using var factory = new BadSettingsFactory(new() { ["Instance:Roles"] = roles });

        // Act
        var error = Record.Exception(() => factory.Services);

        // Assert
        Assert.NotNull(error);
        Assert.Contains(expected, string.Join("\n", Messages(error)));
    }

    [Theory]
    [InlineData("true", CookieSecurePolicy.Always)]
    [InlineData("false", CookieSecurePolicy.SameAsRequest)]
    public void Build_SecureCookiesOnly_SetsTheAuthCookiePolicy(string setting, CookieSecurePolicy expected)
    {
        using var app = BuildApp(("Accounts:SecureCookiesOnly", setting));

        var cookie = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme).Cookie;

        Assert.Equal(expected, cookie.SecurePolicy);
        Assert.Equal(SameSiteMode.Strict, cookie.SameSite);
    }

    [Fact]
    public void Build_HubMaxMessageBytes_LimitsOnlyTheCampaignHub()
    {
        using var app = BuildApp(("Hub:MaxMessageBytes", "4096"));

        var hub = app.Services.GetRequiredService<IOptions<HubOptions<CampaignHub>>>().Value;
        var global = app.Services.GetRequiredService<IOptions<HubOptions>>().Value;

        Assert.Equal(4096, hub.MaximumReceiveMessageSize);
        // The hub still inherits the rest of SignalR's settings.
        Assert.Equal(global.KeepAliveInterval, hub.KeepAliveInterval);
        Assert.NotEqual(4096, global.MaximumReceiveMessageSize);
    }

    private static List<string> OurHostedServices(WebApplication app) => app.Services.GetServices<IHostedService>().Select(s => s.GetType())
        .Where(type => type.Assembly.GetName().Name!.StartsWith("Crowdstart.", StringComparison.Ordinal))
        .Select(type => type.Name)
        .ToList();

    /// <summary>The app's own registration (as <c>Program.cs</c> does it), built but never started.</summary>
    private static WebApplication BuildApp(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Development,
            // The app's name, as when Program.cs runs: static assets are mapped from its manifest.
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        builder.AddCrowdstartConfiguration();
        builder.Configuration.AddInMemoryCollection(
            settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)).Append(KeyValuePair.Create("ConnectionStrings:Crowdstart", (string?)NoDatabase)));
        builder.AddPipeline();
        builder.AddDashboard();
        return builder.Build();
    }

    private static IEnumerable<string> Messages(Exception error)
    {
        yield return error.Message;
        var inner = error is AggregateException aggregate ? aggregate.InnerExceptions : error.InnerException is { } one ? [one] : [];
        foreach (var message in inner.SelectMany(Messages))
        {
            yield return message;
        }
    }

    private sealed class BadSettingsFactory(Dictionary<string, string> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Crowdstart", NoDatabase);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
