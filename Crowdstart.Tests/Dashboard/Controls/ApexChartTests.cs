using Bunit;
using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Controls;

[Layer(TestLayer.Component)]
public class ApexChartTests : IAsyncLifetime
{
    private readonly DashboardTestContext _ctx = new();

    private static IReadOnlyList<ChartSeries> Series(double value) =>
        [new ChartSeries("Events / min", "column", [[1_700_000_000_000, value]])];

    [Fact]
    public void Render_Interactive_CreatesChartOnceWithOptionsAndSeries()
    {
        var series = Series(3);

        var cut = _ctx.Render<ApexChart>(p => p.Add(c => c.ChartId, "c1").Add(c => c.Options, new { chart = new { type = "line" } }).Add(c => c.Series, series));

        var create = _ctx.Charts.VerifyInvoke("create");
        Assert.Equal("c1", create.Arguments[1]);
        Assert.Same(series, create.Arguments[3]);
        Assert.Equal("true", cut.Find("#c1").GetAttribute("data-chart-ready"));
    }

    [Fact]
    public void Render_NewSeries_UpdatesInPlaceWithoutRecreating()
    {
        var cut = _ctx.Render<ApexChart>(p => p.Add(c => c.ChartId, "c2").Add(c => c.Options, new { }).Add(c => c.Series, Series(1)));
        var updated = Series(5);

        cut.Render(p => p.Add(c => c.Series, updated));
        cut.Render(p => p.Add(c => c.Series, updated)); // same instance again: nothing to push

        _ctx.Charts.VerifyInvoke("create", calledTimes: 1);
        var update = _ctx.Charts.VerifyInvoke("updateSeries", calledTimes: 1)[0];
        Assert.Equal("c2", update.Arguments[0]);
        Assert.Same(updated, update.Arguments[1]);
    }

    [Fact]
    public void Render_NewListWithTheSamePoints_NotSentToTheBrowser()
    {
        var cut = _ctx.Render<ApexChart>(p => p.Add(c => c.ChartId, "c5").Add(c => c.Options, new { }).Add(c => c.Series, Series(4)));

        cut.Render(p => p.Add(c => c.Series, Series(4))); // a new view with the same figures
        cut.Render(p => p.Add(c => c.Series, Series(4)).Add(c => c.XRange, [1.0, 2.0]));

        _ctx.Charts.VerifyInvoke("create", calledTimes: 1);
        var update = _ctx.Charts.VerifyInvoke("updateSeries", calledTimes: 1)[0];
        Assert.Equal(new[] { 1.0, 2.0 }, update.Arguments[2]);
    }

    [Fact]
    public void Render_DarkModeToggled_SwitchesThemeWithoutRecreating()
    {
        var cut = _ctx.Render<ApexChart>(p => p.Add(c => c.ChartId, "c3").Add(c => c.Options, new { }).Add(c => c.DarkMode, false));

        cut.Render(p => p.Add(c => c.DarkMode, true));

        _ctx.Charts.VerifyInvoke("create", calledTimes: 1);
        Assert.Equal(true, _ctx.Charts.VerifyInvoke("setDarkMode").Arguments[1]);
    }

    [Fact]
    public async Task Dispose_AfterCreate_DestroysChart()
    {
        _ctx.Render<ApexChart>(p => p.Add(c => c.ChartId, "c4").Add(c => c.Options, new { }));

        await _ctx.DisposeComponentsAsync();

        Assert.Equal("c4", _ctx.Charts.VerifyInvoke("destroy").Arguments[0]);
    }

    [Fact]
    public void Render_Prerendered_NeverTouchesJavaScript()
    {
        using var ctx = new DashboardTestContext(interactive: false);

        var cut = ctx.Render<ApexChart>(p => p.Add(c => c.ChartId, "c5").Add(c => c.Options, new { }));

        Assert.Empty(ctx.JSInterop.Invocations);
        Assert.Equal("false", cut.Find("#c5").GetAttribute("data-chart-ready"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();
}
