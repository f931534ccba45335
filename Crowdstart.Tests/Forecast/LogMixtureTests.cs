using Crowdstart.Pipeline.Forecast;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Forecast;

[Layer(TestLayer.Unit)]
public sealed class LogMixtureTests
{
    [Theory]
    [InlineData(0.1, -1.2815516)]
    [InlineData(0.5, 0)]
    [InlineData(0.9, 1.2815516)]
    public void Quantile_OneStandardNormal_MatchesTheTable(double p, double z)
    {
        var mixture = new LogMixture([0.0], [1.0], 1, double.NegativeInfinity);

        Assert.Equal(z, mixture.Quantile(p), 5);
    }

    [Fact]
    public void Quantile_MassBelowTheFloor_SitsOnTheFloor()
    {
        // Arrange: half the mass is below 0
        var mixture = new LogMixture([0.0], [1.0], 1, 0);

        // Act / Assert
        Assert.Equal(0, mixture.Quantile(0.1));
        Assert.Equal(0, mixture.Quantile(0.5), 6);
        Assert.Equal(1.2815516, mixture.Quantile(0.9), 5);
        Assert.Equal(1, mixture.Exceedance(-0.5));
    }

    [Fact]
    public void Cdf_TwoEqualComponents_HalfwayBetweenIsOneHalf()
    {
        var mixture = new LogMixture([-3.0, 3.0], [2.0, 2.0], 0.5, double.NegativeInfinity);

        Assert.Equal(0.5, mixture.Cdf(0), 6);
        Assert.Equal(0.25, mixture.Cdf(-3), 3);
    }
}
