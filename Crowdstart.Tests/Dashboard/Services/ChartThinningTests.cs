using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Services;

/// <summary>Series thinned to what a chart can show: exact points, the newest always kept.</summary>
[Layer(TestLayer.Unit)]
public class ChartThinningTests
{
    private static double[][] Points(int count) => Enumerable.Range(0, count).Select(i => new[] { (double)i, i * 10.0 }).ToArray();

    [Theory]
    [InlineData(360)]
    [InlineData(121)]
    [InlineData(1728)]
    public void Thin_MorePointsThanTheMax_KeepsAtMostTheMaxEvenlySpacedEndingOnTheNewest(int count)
    {
        var points = Points(count);

        var thinned = CampaignLiveViewModel.Thin(points, CampaignLiveViewModel.SparkPoints);

        Assert.InRange(thinned.Count, CampaignLiveViewModel.SparkPoints / 2, CampaignLiveViewModel.SparkPoints);
        Assert.Same(points[^1], thinned[^1]);
        Assert.All(thinned, p => Assert.Contains(p, points));
        Assert.Single(thinned.Zip(thinned.Skip(1), (a, b) => b[0] - a[0]).Distinct());
    }

    [Fact]
    public void Thin_NoMorePointsThanTheMax_ReturnsThemAll()
    {
        var points = Points(CampaignLiveViewModel.SparkPoints);

        Assert.Same(points, CampaignLiveViewModel.Thin(points, CampaignLiveViewModel.SparkPoints));
    }

    [Theory]
    [InlineData(60)]
    [InlineData(360)]
    [InlineData(1440)]
    public void StepSecondsFor_RangeOfMinutes_GivesAtMostTheChartsPointsOnTheTenSecondGrid(int minutes)
    {
        var to = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

        var step = MetricsQuery.StepSecondsFor(to.AddMinutes(-minutes), to, CampaignLiveSource.ChartPoints);

        Assert.Equal(0, step % MetricWindows.StepSeconds);
        Assert.True(minutes * 60 / step <= CampaignLiveSource.ChartPoints, $"{minutes * 60 / step} points");
        // Ranges up to an hour keep the full 10 s grid; longer ones are thinned to a few hundred points, not fewer.
        Assert.Equal(minutes <= 60, step == MetricWindows.StepSeconds);
        Assert.True(minutes * 60 / step >= CampaignLiveSource.ChartPoints / 2, $"{minutes * 60 / step} points");
    }
}
