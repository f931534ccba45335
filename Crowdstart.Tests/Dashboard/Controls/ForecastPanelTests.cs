using Bunit;
using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Controls;

/// <summary>The forecast panel: its figures, its chart, and a plain reason when there is no forecast.</summary>
[Layer(TestLayer.Component)]
public sealed class ForecastPanelTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Launch = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly DashboardTestContext _ctx = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private static CampaignInfo Campaign(DateTimeOffset? end) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "aurora", "Aurora <b>lamp</b>", "EUR", 10_000m, Launch, end, "{}", 3600, 600, Launch, null);

    private static CampaignForecast Forecast(CampaignInfo c, decimal pledged, double probability, DateTimeOffset? goalDay) => new(c.Id, Launch.AddDays(3),
        ForecastBasis.Neighbours, pledged, c.GoalAmount, 12_400m, 8_100m, 19_700m, probability, goalDay,
        new ForecastInputs(0.1, (double)pledged / 10_000, 0.6, new LiveSignals(4_000, 0.05, 0.2, 0.3), 140, 25, 0.3, 0.45, 2.9, 0.64));

    [Fact]
    public void Render_Forecast_ShowsProjectionRangeChanceGoalDayAndExplanation()
    {
        // Arrange
        var campaign = Campaign(Launch.AddDays(30));
        var forecast = Forecast(campaign, 3_800m, 0.64, Launch.AddDays(21));
        var view = new ForecastView(campaign.Id, ForecastAvailability.Available, forecast,
            [new ForecastHistoryPoint(Launch.AddDays(1), 1_500m, 9_000m, 5_000m, 16_000m, 0.41), new ForecastHistoryPoint(Launch.AddDays(2), 2_900m, 11_000m, 7_000m, 18_000m, 0.55)],
            ForecastExplanation.For(ForecastAvailability.Available, forecast));

        // Act
        var cut = _ctx.Render<ForecastPanel>(p => p.Add(c => c.Campaign, campaign).Add(c => c.View, view).Add(c => c.Now, Launch.AddDays(3)));

        // Assert
        Assert.Equal("€12,400", cut.Find("[data-testid=forecast-projected]").TextContent);
        Assert.Equal("80 % range €8,100 – €19,700", cut.Find("[data-testid=forecast-range]").TextContent.Trim());
        Assert.Equal("64 %", cut.Find("[data-testid=forecast-chance]").TextContent);
        Assert.Equal("On track", cut.Find("[data-testid=forecast-status]").TextContent.Trim());
        Assert.Equal("Fri 11 Dec", cut.Find("[data-testid=forecast-goal-day]").TextContent);
        var why = cut.Find("[data-testid=forecast-explanation]").TextContent;
        Assert.Contains("25 finished campaigns (of 140", why);
        Assert.Contains("30 %–45 %", why);
        cut.WaitForAssertion(() => _ctx.Charts.VerifyInvoke("create", calledTimes: 2));
    }

    [Fact]
    public void Render_NoEndDate_SaysWhyInsteadOfFigures()
    {
        // Arrange
        var campaign = Campaign(null);
        var view = new ForecastView(campaign.Id, ForecastAvailability.NoEndDate, null, [], ForecastExplanation.For(ForecastAvailability.NoEndDate, null));

        // Act
        var cut = _ctx.Render<ForecastPanel>(p => p.Add(c => c.Campaign, campaign).Add(c => c.View, view));

        // Assert
        Assert.Contains("no end date", cut.Find("[data-testid=forecast-unavailable]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=forecast-projected]"));
        Assert.Empty(cut.FindAll("[data-testid=forecast-status]"));
    }

    [Fact]
    public void Render_GoalReached_FundedWithoutAChance()
    {
        // Arrange
        var campaign = Campaign(Launch.AddDays(30));
        var forecast = Forecast(campaign, 10_500m, 1, null);
        var view = new ForecastView(campaign.Id, ForecastAvailability.Available, forecast, [], ForecastExplanation.For(ForecastAvailability.Available, forecast));

        // Act
        var cut = _ctx.Render<ForecastPanel>(p => p.Add(c => c.Campaign, campaign).Add(c => c.View, view));

        // Assert
        Assert.Equal("Already funded", cut.Find("[data-testid=forecast-status]").TextContent.Trim());
        Assert.Equal("funded", cut.Find("[data-testid=forecast-chance]").TextContent);
        Assert.Equal("reached", cut.Find("[data-testid=forecast-goal-day]").TextContent);
        Assert.Contains("Funded:", cut.Find("[data-testid=forecast-explanation]").TextContent);
    }

    [Fact]
    public void Render_Loading_SkeletonNotFigures()
    {
        var cut = _ctx.Render<ForecastPanel>(p => p.Add(c => c.Campaign, Campaign(Launch.AddDays(30))));

        Assert.NotEmpty(cut.FindAll(".mud-skeleton"));
        Assert.Empty(cut.FindAll("[data-testid=forecast-projected]"));
    }
}
