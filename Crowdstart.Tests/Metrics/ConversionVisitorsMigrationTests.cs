using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Metrics;

/// <summary>
/// A deployed database holds window points stored when visitors were page viewers only; the migration that makes
/// a pledger a visitor of the window recomputes them. Its own database: the migration rewrites every campaign.
/// </summary>
[Layer(TestLayer.Database)]
public class ConversionVisitorsMigrationTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const string BeforeConversionFix = "20261126182548_ExplorerAndApiTokens";
    private static readonly DateTimeOffset T = new(2026, 11, 22, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Migrate_PointsStoredUnderTheOldDefinition_AreRecomputedToTheOracleAndNeverAboveOneHundredPercent()
    {
        // Arrange: a processed backlog of pledges whose visits fell outside the window or arrived late; the migration's
        // Down turns the rows back into what the old pipeline stored (page viewers only), and more events arrive
        // that are not processed yet when the migration runs.
        await TimeSeriesPartitions.EnsureAsync(db.DataSource, T, daysBack: 1, daysAhead: 1);
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "migrate-" + Guid.NewGuid().ToString("N")[..6], "Migrate", "EUR",
            1000m, T.AddHours(-2))).Id;
        var time = new FakeTimeProvider(T);
        var writer = new EventLogWriter(db.DataSource, db.PartitionCount, time);
        await writer.AppendAsync([
            .. Backlog(campaign, "first", T),
            .. Enumerable.Range(0, 6).Select(i => EventFactory.Event(campaign, $"first-late-{i}", EventTypes.PledgeCompleted, T.AddSeconds(-20), 30m)),
        ]);
        time.SetUtcNow(T.AddMinutes(11));
        await writer.AppendAsync([.. Enumerable.Range(0, 6).Select(i => EventFactory.Event(campaign, $"first-late-{i}", EventTypes.PageView, T.AddMinutes(-1)))]);
        await ProcessAllAsync();
        await MigrateAsync(BeforeConversionFix);
        var oldDefinition = await PointsAboveOneHundredPercentAsync(campaign);
        time.SetUtcNow(T.AddMinutes(12));
        await writer.AppendAsync(Backlog(campaign, "second", T.AddMinutes(12)));

        // Act
        await MigrateAsync(null);
        await ProcessAllAsync();

        // Assert
        Assert.True(oldDefinition > 0, "the old definition must have stored points above 100 %");
        Assert.Equal(0, await PointsAboveOneHundredPercentAsync(campaign));
        foreach (var w in MetricWindows.WindowSeconds)
        {
            var (expected, stored) = await MetricsOracle.WindowsAsync(db.DataSource, campaign, w, TimeSpan.FromSeconds(600));
            Assert.NotEmpty(expected);
            Assert.Equal(expected, stored);
        }
    }

    /// <summary>Ten customers visit 8 min before <paramref name="at"/> and pledge 30 s before it; three only visit.</summary>
    private static List<EventRecord> Backlog(Guid campaign, string prefix, DateTimeOffset at) =>
    [
        .. Enumerable.Range(0, 10).SelectMany(i => new[]
        {
            EventFactory.Event(campaign, $"{prefix}-{i}", EventTypes.PageView, at.AddMinutes(-8)),
            EventFactory.Event(campaign, $"{prefix}-{i}", EventTypes.PledgeCompleted, at.AddSeconds(-30), 40m),
        }),
        .. Enumerable.Range(0, 3).Select(i => EventFactory.Event(campaign, $"{prefix}-browser-{i}", EventTypes.PageView, at.AddMinutes(-2))),
    ];

    private async Task MigrateAsync(string? target)
    {
        await using var context = await db.Contexts.CreateDbContextAsync();
        await context.GetService<IMigrator>().MigrateAsync(target);
    }

    private async Task ProcessAllAsync()
    {
        for (var partition = 0; partition < db.PartitionCount; partition++)
        {
            while ((await new PartitionProcessor(db.DataSource, batchSize: 7).ProcessNextBatchAsync(partition, default)).EventCount > 0)
            {
            }
        }
    }

    private Task<long> PointsAboveOneHundredPercentAsync(Guid campaign) => db.ScalarAsync<long>(
        $"""
         SELECT count(*) FROM (SELECT 1 FROM metric_window_points WHERE campaign_id = '{campaign}'
                               GROUP BY window_seconds, point HAVING sum(pledgers) > sum(visitors)) x
         """);
}
