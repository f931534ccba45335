using Crowdstart.Pipeline.Storage;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Storage;

[Layer(TestLayer.Database)]
public class TimeSeriesPartitionsTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task DropBefore_OldDays_DropsWholeDayPartitionsAndKeepsRecentRows()
    {
        var old = new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
        await TimeSeriesPartitions.EnsureAsync(db.DataSource, old, daysBack: 0, daysAhead: 0);
        var campaign = Guid.NewGuid();
        await using (var insert = db.DataSource.CreateCommand(
            """
            INSERT INTO campaign_minute_rollups VALUES (@c, @old, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0), (@c, @recent, 0, 2, 0, 0, 0, 0, 0, 0, 1, 0, 0)
            """))
        {
            insert.Parameters.AddWithValue("c", campaign);
            insert.Parameters.AddWithValue("old", old);
            insert.Parameters.AddWithValue("recent", DateTimeOffset.UtcNow);
            await insert.ExecuteNonQueryAsync();
        }
        Assert.Equal("campaign_minute_rollups_p20250310",
            await db.ScalarAsync<string>($"SELECT tableoid::regclass::text FROM campaign_minute_rollups WHERE campaign_id = '{campaign}' AND page_views = 1"));

        var dropped = await TimeSeriesPartitions.DropBeforeAsync(db.DataSource, old.AddDays(2));

        Assert.Contains("campaign_minute_rollups_p20250310", dropped);
        Assert.Equal(2L, await db.ScalarAsync<long>($"SELECT sum(page_views)::bigint FROM campaign_minute_rollups WHERE campaign_id = '{campaign}'"));
    }
}
