using Crowdstart.Dashboard.Model;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Services;

/// <summary>The page's time ranges: URL values, bounds and grain.</summary>
[Layer(TestLayer.Unit)]
public class LiveRangeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 34, 56, TimeSpan.Zero);

    [Theory]
    [InlineData("live", LiveRange.Live)]
    [InlineData("1h", LiveRange.Hour)]
    [InlineData("6H", LiveRange.SixHours)]
    [InlineData("24h", LiveRange.Day)]
    [InlineData("launch", LiveRange.SinceLaunch)]
    [InlineData(null, LiveRange.Live)]
    [InlineData("'; DROP TABLE campaigns; --", LiveRange.Live)]
    public void Parse_UrlValue_GivesRangeAndRoundTrips(string? value, LiveRange expected)
    {
        var range = LiveRanges.Parse(value);

        Assert.Equal(expected, range);
        Assert.Equal(range, LiveRanges.Parse(range.ToQuery()));
    }

    [Theory]
    [InlineData(LiveRange.Live, 15)]
    [InlineData(LiveRange.Hour, 60)]
    [InlineData(LiveRange.SixHours, 360)]
    public void Resolve_FixedRangesUpToSixHours_ArePerMinuteFromAWholeMinute(LiveRange range, int minutes)
    {
        var (from, isHourly) = range.Resolve(Now, Now.AddDays(-3));

        Assert.False(isHourly);
        Assert.Equal(0, from.Second);
        Assert.Equal(Now.AddMinutes(-minutes).AddSeconds(-Now.Second), from);
    }

    [Fact]
    public void Resolve_DayOfAnOlderCampaign_IsHourlyFromAWholeHour()
    {
        var (from, hourly) = LiveRange.Day.Resolve(Now, Now.AddDays(-3));

        Assert.True(hourly);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), from);
    }

    [Theory]
    [InlineData(LiveRange.Hour)]
    [InlineData(LiveRange.SixHours)]
    [InlineData(LiveRange.Day)]
    public void Resolve_CampaignYoungerThanTheRange_StartsAtTheLaunchMinute(LiveRange range)
    {
        var (from, hourly) = range.Resolve(Now, Now.AddMinutes(-40).AddSeconds(-20));

        Assert.False(hourly);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 11, 54, 0, TimeSpan.Zero), from);
    }

    [Fact]
    public void Resolve_DayOfACampaignLaunchedTenHoursAgo_IsHourlyFromTheLaunchHour()
    {
        var (from, hourly) = LiveRange.Day.Resolve(Now, Now.AddHours(-10));

        Assert.True(hourly);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero), from);
    }

    [Fact]
    public void Resolve_LiveOfACampaignLaunchedFiveMinutesAgo_StillShowsFifteenMinutes()
    {
        var (from, _) = LiveRange.Live.Resolve(Now, Now.AddMinutes(-5));

        Assert.Equal(Now.AddMinutes(-15).AddSeconds(-Now.Second), from);
    }

    [Fact]
    public void Resolve_SinceLaunchOfAFewHours_IsPerMinuteFromTheLaunchMinute()
    {
        var (from, hourly) = LiveRange.SinceLaunch.Resolve(Now, Now.AddHours(-5).AddSeconds(-20));

        Assert.False(hourly);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 7, 34, 0, TimeSpan.Zero), from);
    }

    [Fact]
    public void Resolve_SinceLaunchOfDays_IsHourlyFromTheLaunchHour()
    {
        var (from, hourly) = LiveRange.SinceLaunch.Resolve(Now, Now.AddDays(-3));

        Assert.True(hourly);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), from);
    }

    [Fact]
    public void Resolve_SinceLaunchOlderThanTheLimit_StaysWithinTheLimit()
    {
        var (from, hourly) = LiveRange.SinceLaunch.Resolve(Now, Now.AddDays(-900));

        Assert.True(hourly);
        Assert.True(Now - from <= LiveRanges.MaxSpan, $"{Now - from} exceeds {LiveRanges.MaxSpan}");
        Assert.Equal(0, from.Minute);
    }

    [Fact]
    public void Resolve_NotLaunchedYet_ShowsTheLastHour()
    {
        var (from, hourly) = LiveRange.SinceLaunch.Resolve(Now, Now.AddHours(2));

        Assert.False(hourly);
        Assert.Equal(Now.AddHours(-1).AddSeconds(-Now.Second), from);
    }
}
