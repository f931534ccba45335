using Crowdstart.Pipeline.Recommendations;
using Crowdstart.Pipeline.Recommendations.Rules;
using Crowdstart.Tests.Infrastructure;
using static Crowdstart.Tests.Recommendations.RecommendationScenario;

namespace Crowdstart.Tests.Recommendations;

/// <summary>Each rule fires on its scenario and stays quiet on a normal launch and on noise.</summary>
[Layer(TestLayer.Unit)]
public class RecommendationRulesTests
{
    [Fact]
    public void Evaluate_NormalLaunch_NoRuleFires()
    {
        // Arrange
        var inputs = Normal();

        // Act
        var all = RecommendationEngine.Evaluate(inputs);

        // Assert
        Assert.Empty(all);
    }

    [Fact]
    public void SourceConversion_RedditConvertingFarAboveAverage_FiresWithEvidence()
    {
        // Arrange: reddit 59 of 500 (11.8 %) while the others convert at 5 %.
        var inputs = Build([("direct", 1_000, 50), ("social:reddit", 500, 59), ("search", 400, 20)], (300, 126), NormalDevices, NormalRewards, OnTrack(), 4_200m, 900m);

        // Act
        var r = new SourceConversionRule().Evaluate(inputs);

        // Assert
        Assert.NotNull(r);
        Assert.Equal("social:reddit", r.Evidence.Subject);
        Assert.Equal("11.8 %", r.Evidence.ValueText);
        Assert.Equal("6.8 %", r.Evidence.ComparedWithText);
        Assert.StartsWith("Visitors from social:reddit pledge at 11.8 % vs 6.8 % overall", r.Title);
        Assert.True(r.ExpectedValue > 0);
        Assert.Equal(["source", "type"], r.Explore.GroupBy);
    }

    [Fact]
    public void SourceConversion_HighRateOnSmallVolume_StaysQuiet()
    {
        // Arrange: 12 of 60 (20 %) is far above average but too few visitors to tell from luck.
        var inputs = Build([("direct", 1_000, 60), ("social:reddit", 60, 12), ("search", 400, 24)], (300, 126), NormalDevices, NormalRewards, OnTrack(), 4_200m, 900m);

        // Act
        var r = new SourceConversionRule().Evaluate(inputs);

        // Assert
        Assert.Null(r);
    }

    [Fact]
    public void SourceConversion_LiftWithinNoise_StaysQuiet()
    {
        // Arrange: 48 of 500 (9.6 %) vs 6 %: 1.5× but the lower bound of its rate is not above the average.
        var inputs = Build([("direct", 1_000, 60), ("social:reddit", 500, 48), ("search", 400, 24)], (300, 126), NormalDevices, NormalRewards, OnTrack(), 4_200m, 900m);

        // Act
        var r = new SourceConversionRule().Evaluate(inputs);

        // Assert
        Assert.Null(r);
    }

    [Fact]
    public void CartAbandonment_FarAboveSimilarCampaignsMedian_Fires()
    {
        // Arrange: 200 of 300 matured carts abandoned (66.7 %) against a 42 % median.
        var inputs = Build(NormalSources, (300, 200), NormalDevices, NormalRewards, OnTrack(), 4_200m, 900m);

        // Act
        var r = new CartAbandonmentRule().Evaluate(inputs);

        // Assert
        Assert.NotNull(r);
        Assert.Equal("66.7 %", r.Evidence.ValueText);
        Assert.Equal("42.0 %", r.Evidence.ComparedWithText);
        Assert.Equal("median of 6 similar campaigns", r.Evidence.ComparedWith);
    }

    [Fact]
    public void CartAbandonment_TooFewPeers_StaysQuiet()
    {
        // Arrange: the same abandonment, but only three other campaigns to compare with.
        var inputs = Build(NormalSources, (300, 200), NormalDevices, NormalRewards, OnTrack(), 4_200m, 900m, peers: Peers[..3]);

        // Act
        var r = new CartAbandonmentRule().Evaluate(inputs);

        // Assert
        Assert.Null(r);
    }

    [Fact]
    public void DeviceCheckoutFailures_ConcentratedOnMobile_Fires()
    {
        // Arrange: mobile fails 45 of 150 checkouts (30 %), the others 9 of 240.
        var inputs = Build(NormalSources, (300, 126), [new("desktop", 200, 8), new("mobile", 150, 45), new("tablet", 40, 1)], NormalRewards, OnTrack(), 4_200m, 900m);

        // Act
        var r = new DeviceCheckoutFailureRule().Evaluate(inputs);

        // Assert
        Assert.NotNull(r);
        Assert.Equal("mobile", r.Evidence.Subject);
        Assert.Equal("30.0 %", r.Evidence.ValueText);
        Assert.Equal("3.8 %", r.Evidence.ComparedWithText);
        Assert.Equal(["property:device", "type"], r.Explore.GroupBy);
        Assert.Equal(24, r.Explore.LastHours);
    }

    [Fact]
    public void DeviceCheckoutFailures_HighRateEverywhere_StaysQuiet()
    {
        // Arrange: 20 % failures on every device is a checkout problem, not a device problem.
        var inputs = Build(NormalSources, (300, 126), [new("desktop", 200, 40), new("mobile", 150, 30), new("tablet", 40, 8)], NormalRewards, OnTrack(), 4_200m, 900m);

        // Act
        var r = new DeviceCheckoutFailureRule().Evaluate(inputs);

        // Assert
        Assert.Null(r);
    }

    [Fact]
    public void RewardTier_ViewedOftenRarelyPledged_Fires()
    {
        // Arrange: deluxe viewed by 300, pledged by 3 (1 %), the other tiers 66 of 700.
        var inputs = Build(NormalSources, (300, 126), NormalDevices,
            [new("early-bird", 300, 30, 1_500m), new("standard", 400, 36, 2_700m), new("deluxe", 300, 3, 450m)], OnTrack(), 4_200m, 900m);

        // Act
        var r = new RewardTierRule().Evaluate(inputs);

        // Assert
        Assert.NotNull(r);
        Assert.Equal("deluxe", r.Evidence.Subject);
        Assert.Equal("1.0 %", r.Evidence.ValueText);
        Assert.Equal("9.4 %", r.Evidence.ComparedWithText);
    }

    [Fact]
    public void RewardTier_RarelyViewedTier_StaysQuiet()
    {
        // Arrange: nobody pledged for "collector", but only 40 people looked at it.
        var inputs = Build(NormalSources, (300, 126), NormalDevices,
            [new("early-bird", 300, 30, 1_500m), new("standard", 400, 36, 2_700m), new("collector", 40, 0, 0m)], OnTrack(), 4_200m, 900m);

        // Act
        var r = new RewardTierRule().Evaluate(inputs);

        // Assert
        Assert.Null(r);
    }

    [Fact]
    public void ForecastShortfall_AtRiskWithSlowPace_FiresWithNeededDailyPace()
    {
        // Arrange: €3,000 pledged, €7,000 to go in 20 days (€350 a day), €200 in the last 24 h; the forecast sees €7,000.
        var inputs = Build(NormalSources, (300, 126), NormalDevices, NormalRewards, Projection(3_000m, 0.3, 7_000m), 3_000m, 200m);

        // Act
        var r = new ForecastShortfallRule().Evaluate(inputs);

        // Assert
        Assert.NotNull(r);
        Assert.Equal("€350 a day", r.Evidence.ValueText);
        Assert.Equal("€200 a day", r.Evidence.ComparedWithText);
        Assert.Equal(3_000m, r.ExpectedValue);
    }

    [Fact]
    public void ForecastShortfall_AtRiskButPaceAlreadyEnough_StaysQuiet()
    {
        // Arrange: the forecast is pessimistic, but the last day brought more than the €350 a day needed.
        var inputs = Build(NormalSources, (300, 126), NormalDevices, NormalRewards, Projection(3_000m, 0.45, 9_000m), 3_000m, 400m);

        // Act
        var r = new ForecastShortfallRule().Evaluate(inputs);

        // Assert
        Assert.Null(r);
    }

    [Fact]
    public void ForecastShortfall_NoForecast_StaysQuiet()
    {
        // Arrange
        var inputs = Build(NormalSources, (300, 126), NormalDevices, NormalRewards, null, 3_000m, 100m);

        // Act
        var r = new ForecastShortfallRule().Evaluate(inputs);

        // Assert
        Assert.Null(r);
    }
}
