using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Storage;

/// <summary>The metric table registry that partition maintenance and retention share.</summary>
[Layer(TestLayer.Unit)]
public class MetricTablesTests
{
    private static IReadOnlyList<string> ModelTables()
    {
        // Building the model needs no server.
        using var db = new CrowdstartDbContext(new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql("Host=unused").Options);
        return [.. db.Model.GetEntityTypes().Select(e => e.GetTableName()!).Distinct()];
    }

    [Fact]
    public void All_EveryAggregateTableOfTheModel_IsRegistered()
    {
        // Arrange: aggregate tables are named metric_* or campaign_* (campaigns itself is not an aggregate)
        var aggregates = ModelTables().Where(t => t.StartsWith("metric_", StringComparison.Ordinal) || t.StartsWith("campaign_", StringComparison.Ordinal)).Order().ToList();

        // Act
        var registered = MetricTables.All.Select(t => t.Name).Order().ToList();

        // Assert: a metric added without its registry entry would never expire
        Assert.NotEmpty(aggregates);
        Assert.Equal(aggregates, registered);
    }

    [Fact]
    public void DayPartitioned_EveryTable_HasATimeColumnAndIsWhatPartitionMaintenanceUses()
    {
        Assert.All(MetricTables.DayPartitioned, t => Assert.NotNull(t.TimeColumn));
        Assert.Equal(MetricTables.DayPartitioned.Select(t => t.Name), TimeSeriesPartitions.Tables);
        Assert.Equal(MetricTables.All.Count, MetricTables.TimeSeries.Count() + MetricTables.Lifetime.Count());
    }
}
