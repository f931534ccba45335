using Crowdstart.Pipeline.Metrics;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Metrics;

/// <summary>The overview's batched conversion trends against a recomputation from the raw log, point by point.</summary>
[Layer(TestLayer.Database)]
public sealed class ConversionTrendTests(TestDatabase db) : ConversionTrendTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class ConversionTrendTestsOnJetStream(JetStreamTestDatabase db) : ConversionTrendTests<JetStreamTestDatabase>(db);

/// <summary>The tests of <see cref="ConversionTrendTests"/> on each log engine (the engine is the fixture's).</summary>
public abstract class ConversionTrendTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    // Live windows leave out events that arrived later than the campaign's allowed lateness (600 s by default).
    // A visitor of a window viewed the page or pledged in it (docs/metrics.md §1).
    private const string Live = "received_at - occurred_at <= interval '600 seconds'";

    [Fact]
    public async Task GetConversionTrendsAsync_TwoCampaigns_EveryPointEqualsRecomputationFromRawEvents()
    {
        // Arrange: two campaigns, shuffled (out-of-order) events over the last hour, one campaign without events
        var now = DateTimeOffset.UtcNow;
        var a = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "trend-a-" + Guid.NewGuid().ToString("N")[..6], "Trend A", "EUR", 1000m, now.AddHours(-2));
        var b = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "trend-b-" + Guid.NewGuid().ToString("N")[..6], "Trend B", "EUR", 1000m, now.AddHours(-2));
        var quiet = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "trend-q-" + Guid.NewGuid().ToString("N")[..6], "Quiet", "EUR", 1000m, now.AddHours(-2));
        var events = EventFactory.RandomStream(new Random(5), [a.Id, b.Id], 1500, 120, 60, now.AddMinutes(-62));
        await db.Log.AppendAsync(events);
        await db.Log.ProcessAllAsync(5000);
        var query = new MetricsQuery(db.DataSource);

        // Act
        var trends = await query.GetConversionTrendsAsync([a.Id, b.Id, quiet.Id], 300, now.AddHours(-1), MetricWindows.LivePoint(now), 60);

        // Assert
        Assert.Equal(MetricWindows.LivePoint(now), trends[a.Id][^1].At);
        // The quiet campaign has the same points as the others, each of them zero.
        Assert.Equal(trends[a.Id].Select(p => p.At), trends[quiet.Id].Select(p => p.At));
        Assert.All(trends[quiet.Id], p => Assert.Equal((0, 0), (p.Visitors, p.Pledgers)));
        foreach (var campaign in new[] { a.Id, b.Id })
        {
            Assert.InRange(trends[campaign].Count, 60, 61);
            foreach (var point in trends[campaign])
            {
                var visitors = await db.ScalarAsync<long>(
                    $"SELECT count(DISTINCT customer_id) FROM event_log WHERE campaign_id = '{campaign}' AND type IN ('page_view', 'pledge_completed') AND {Live} " +
                    $"AND occurred_at >= '{point.At.AddSeconds(-300):O}' AND occurred_at < '{point.At:O}'");
                var pledgers = await db.ScalarAsync<long>(
                    $"SELECT count(DISTINCT customer_id) FROM event_log WHERE campaign_id = '{campaign}' AND type = 'pledge_completed' AND {Live} " +
                    $"AND occurred_at >= '{point.At.AddSeconds(-300):O}' AND occurred_at < '{point.At:O}'");
                Assert.True((visitors, pledgers) == (point.Visitors, point.Pledgers), $"{campaign} at {point.At:O}: expected {visitors}/{pledgers}, got {point.Visitors}/{point.Pledgers}");
            }
        }
        Assert.Contains(trends[a.Id], p => p.Visitors > 0);
    }

    [Fact]
    public async Task GetConversionTrendsAsync_StepNotOnTheGrid_IsRefusedNamingTheArgument()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            new MetricsQuery(db.DataSource).GetConversionTrendsAsync([Guid.NewGuid()], 300, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow, 15));

        Assert.Equal("stepSeconds", error.ParamName);
    }

    [Fact]
    public async Task GetConversionSeriesAsync_LongRangeThinned_EndsOnTheLivePointLikeTheTiles()
    {
        var campaign = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "trend-l-" + Guid.NewGuid().ToString("N")[..6], "Long", "EUR", 1000m, DateTimeOffset.UtcNow.AddDays(-2));
        var now = DateTimeOffset.UtcNow;

        var series = await new MetricsQuery(db.DataSource).GetConversionSeriesAsync(campaign.Id, 3600, now.AddHours(-24), MetricWindows.LivePoint(now));

        Assert.InRange(series.Count, 2, MetricsQuery.MaxSeriesPoints + 1);
        Assert.Equal(MetricWindows.LivePoint(now), series[^1].At);
        Assert.True(series[0].At >= now.AddHours(-24).AddSeconds(-MetricWindows.StepSeconds));
    }
}
