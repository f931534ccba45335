using System.Security.Claims;
using Bunit;
using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// The bUnit context every dashboard component test starts from: MudBlazor's services, the formatter, an
/// interactive Server renderer and loose JavaScript interop (MudBlazor calls JavaScript the tests do not look at),
/// with the chart module set up so tests can read what the charts were told. A test adds what its component needs
/// (a signed-in user, account services, the campaign page's services) with the methods below, inside
/// <c>configure</c>: bUnit freezes the services once the renderer exists, and setting the renderer info creates it.
/// </summary>
public sealed class DashboardTestContext : BunitContext
{
    /// <summary>The module <c>ApexChart</c> imports; every chart on a page shares it.</summary>
    public const string ChartModulePath = "./Components/Controls/ApexChart.razor.js";

    /// <param name="configure">Adds the services of the component under test.</param>
    /// <param name="interactive">False renders as prerendering does (static, no circuit, no JavaScript).</param>
    public DashboardTestContext(Action<DashboardTestContext>? configure = null, bool interactive = true)
    {
        Services.AddMudServices();
        Services.AddSingleton<DashboardFormatter>();
        configure?.Invoke(this);
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(interactive ? new RendererInfo("Server", isInteractive: true) : new RendererInfo("Static", isInteractive: false));
        Charts = JSInterop.SetupModule(ChartModulePath);
        Charts.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>The chart module's interop: its invocations are what the charts were told.</summary>
    public BunitJSModuleInterop Charts { get; }

    /// <summary>The clock components read (a fake one to move time, or the system's over real timestamps).</summary>
    public void UseClock(TimeProvider clock) => Services.AddSingleton(clock);

    /// <summary>Renders as the signed-in user <paramref name="userId"/> (what <see cref="CurrentUser"/> reads).</summary>
    public void SignIn(Guid userId, string name)
    {
        Services.AddScoped<CurrentUser>();
        var auth = this.AddAuthorization();
        auth.SetAuthorized(name);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId.ToString()));
    }

    /// <summary>The real access, grant and customer-data services over a test database.</summary>
    public void AddAccountServices(AccountServices accounts)
    {
        Services.AddSingleton(accounts.Access);
        Services.AddSingleton(accounts.Grants);
        Services.AddSingleton(accounts.Changes);
        Services.AddSingleton(accounts.CustomerData);
    }

    /// <summary>
    /// What the campaign page reads, over <paramref name="db"/>: campaigns, rollups, metrics and their comparisons, the event feed, the
    /// live source fed by <paramref name="feed"/> (unthrottled, so a commit shows at once) and alerts.
    /// </summary>
    public void AddCampaignPageServices(TestDatabase db, CampaignChangeFeed feed, AlertStore alerts, AlertFeed alertFeed)
    {
        Services.AddSingleton(db.Campaigns);
        Services.AddSingleton(new RollupQueries(db.DataSource));
        Services.AddSingleton<IMetricsQuery>(new MetricsQuery(db.DataSource));
        Services.AddSingleton(new EventFeedQueries(db.Contexts));
        Services.AddSingleton(feed);
        Services.AddSingleton(Options.Create(new ProcessingOptions { NotifyThrottleMilliseconds = 0 }));
        Services.AddSingleton<ILogger<CampaignLiveSource>>(NullLogger<CampaignLiveSource>.Instance);
        Services.AddSingleton(new ComparisonQuery(db.DataSource));
        Services.AddSingleton<CampaignLiveSource>();
        Services.AddScoped<CampaignLiveViewModel>();
        Services.AddScoped<CampaignComparisonViewModel>();
        Services.AddSingleton(alertFeed);
        Services.AddSingleton(alerts);
        Services.AddSingleton(sp => new AlertMuteStore(db.Contexts, sp.GetRequiredService<Crowdstart.Pipeline.Accounts.CampaignAccess>(), alertFeed, TimeProvider.System));
        Services.AddSingleton(new AlertReadinessQuery(db.DataSource, db.Contexts, new LaunchPriorStore(db.DataSource, TimeProvider.System),
            Options.Create(new AlertOptions()), TimeProvider.System));
    }
}
