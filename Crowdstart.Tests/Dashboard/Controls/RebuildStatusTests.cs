using Bunit;
using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Controls;

/// <summary>The rebuild's state on the settings page: progress while it runs, the outcome after.</summary>
[Layer(TestLayer.Component)]
public class RebuildStatusTests : IAsyncLifetime
{
    private readonly DashboardTestContext _ctx = new();
    private static readonly DateTimeOffset At = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private static RebuildInfo Rebuild(string status, long total, long done, string? error = null) => new(Guid.NewGuid(), Guid.NewGuid(), status,
        [new FunnelStep(EventTypes.PageView), new FunnelStep(EventTypes.PledgeCompleted, 600)], 1200, "maya@aurora.demo", At, At, status == "done" ? At.AddSeconds(9) : null,
        total, done, done * 4, error);

    [Fact]
    public void RebuildStatus_Running_ProgressOfCustomersAndTheNewDefinition()
    {
        var cut = _ctx.Render<RebuildStatus>(p => p.Add(c => c.Rebuild, Rebuild("running", 2_000, 500)));

        Assert.Equal("running", cut.Find("[data-testid=rebuild-status]").GetAttribute("data-status"));
        Assert.Equal("500 of 2,000 customers recomputed (25 %), 2,000 events read", cut.Find("[data-testid=rebuild-progress-text]").TextContent);
        Assert.Contains("Visit → Pledge; cart window 20 min", cut.Markup);
    }

    [Fact]
    public void RebuildStatus_QueuedOrFailedOrDone_SaysSo()
    {
        var queued = _ctx.Render<RebuildStatus>(p => p.Add(c => c.Rebuild, Rebuild("queued", 0, 0)));
        var failed = _ctx.Render<RebuildStatus>(p => p.Add(c => c.Rebuild, Rebuild("failed", 10, 3, "<b>disk full</b>")));
        var done = _ctx.Render<RebuildStatus>(p => p.Add(c => c.Rebuild, Rebuild("done", 10, 10)));

        Assert.Equal("Waiting to start…", queued.Find("[data-testid=rebuild-progress-text]").TextContent);
        Assert.Contains("(&lt;b&gt;disk full&lt;/b&gt;); the previous definition and figures stay", failed.Markup);
        Assert.Contains("Metrics rebuilt from 40 events of 10 customers", done.Find("[data-testid=rebuild-status]").TextContent);
    }
}
