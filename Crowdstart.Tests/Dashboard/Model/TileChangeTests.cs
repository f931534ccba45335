using Crowdstart.Dashboard.Model;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Model;

/// <summary>Tile changes always say their unit: % for relative changes, pp for differences of rates.</summary>
[Layer(TestLayer.Unit)]
public sealed class TileChangeTests
{
    [Fact]
    public void Relative_RiseOfAnAmount_PercentWithPreviousValue()
    {
        var change = TileChange.Relative(1120, 1000, "€1,000", "previous hour");

        Assert.Equal("▲ 12 %", change.Text);
        Assert.True(change.Good);
        Assert.Equal("vs previous hour (€1,000)", change.Comparison);
    }

    [Fact]
    public void Points_FallOfARate_PercentagePointsNotRelative()
    {
        var change = TileChange.Points(0.297, 0.312, "31.2 %", "previous 5 min");

        Assert.Equal("▼ 1.5 pp", change.Text);
        Assert.False(change.Good);
    }

    [Fact]
    public void Points_RiseOfAFailureRate_BadNews()
    {
        var change = TileChange.Points(0.25, 0.1, "10 %", "previous 5 min", higherIsBetter: false);

        Assert.Equal("▲ 15 pp", change.Text);
        Assert.False(change.Good);
    }

    [Fact]
    public void Relative_PreviousZero_NoPercentJustThePreviousValue()
    {
        var change = TileChange.Relative(50, 0, "€0", "previous hour");

        Assert.Null(change.Text);
        Assert.Equal("previous hour: €0", change.Comparison);
    }

    [Fact]
    public void None_YoungCampaign_SaysNoPreviousPeriod()
    {
        var change = TileChange.None();

        Assert.Null(change.Text);
        Assert.Equal("no previous period", change.Comparison);
    }
}
