using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Observability;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Model;

[Layer(TestLayer.Unit)]
public sealed class ExplorerFreshnessTests
{
    private static readonly DashboardFormatter Format = new();

    [Fact]
    public void Describe_PostgresLog_EverythingIncludedWithoutReadingTheBacklog()
    {
        // Act: the explorer reads the log itself on PostgreSQL
        var text = ExplorerFreshness.Describe(LogEngine.Postgres, null, Format);

        // Assert
        Assert.Equal("Includes every event received so far.", text);
    }

    [Fact]
    public void Describe_JetStreamBehind_SaysHowRecentEventsMayBeMissing()
    {
        // Arrange
        PartitionLag[] lag = [new(0, 0, TimeSpan.Zero), new(1, 3, TimeSpan.FromSeconds(95)), new(2, 1, TimeSpan.FromSeconds(4))];

        // Act
        var text = ExplorerFreshness.Describe(LogEngine.JetStream, lag, Format);

        // Assert
        Assert.Equal("Events received in the last 1 min 35 s are still being processed and may be missing.", text);
    }

    [Fact]
    public void Describe_JetStreamCaughtUpOrUnknown_SaysSo()
    {
        // Act
        var caughtUp = ExplorerFreshness.Describe(LogEngine.JetStream, [new(0, 0, TimeSpan.Zero)], Format);
        var unknown = ExplorerFreshness.Describe(LogEngine.JetStream, null, Format);

        // Assert
        Assert.Equal("Includes every event received so far.", caughtUp);
        Assert.Contains("could not be read", unknown);
    }
}
