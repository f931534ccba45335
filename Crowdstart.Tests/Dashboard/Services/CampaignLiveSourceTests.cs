using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Dashboard.Services;

/// <summary>
/// The live source over real pre-computed tables, on a clock the test moves: one computation per change shared by
/// every subscriber, bursts coalesced by the throttle, slow subscribers skipping to the newest view.
/// </summary>
[Layer(TestLayer.Database)]
public sealed class CampaignLiveSourceTests(TestDatabase db) : CampaignLiveSourceTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class CampaignLiveSourceTestsOnJetStream(JetStreamTestDatabase db) : CampaignLiveSourceTests<JetStreamTestDatabase>(db);

/// <summary>The tests of <see cref="CampaignLiveSourceTests"/> on each log engine (the engine is the fixture's).</summary>
public abstract class CampaignLiveSourceTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(250);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private (CampaignLiveSource Source, CampaignChangeFeed Feed) Create(IMetricsQuery? metrics = null)
    {
        var options = Options.Create(new ProcessingOptions { NotifyThrottleMilliseconds = (int)Throttle.TotalMilliseconds });
        var feed = new CampaignChangeFeed(options, _time, NullLogger<CampaignChangeFeed>.Instance);
        var source = new CampaignLiveSource(new CampaignAccess(db.Contexts, _time), metrics ?? new MetricsQuery(db.DataSource), new EventFeedQueries(db.Contexts),
            feed, options, _time, NullLogger<CampaignLiveSource>.Instance);
        return (source, feed);
    }

    private async Task<Guid> CampaignWithEventsAsync()
    {
        var campaign = await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "src-" + Guid.NewGuid().ToString("N")[..8], "Source lamp", "EUR", 500m, _time.GetUtcNow().AddHours(-1));
        await db.Log.AppendAsync([
            EventFactory.Event(campaign.Id, "s1", EventTypes.PageView, _time.GetUtcNow().AddMinutes(-2)),
            EventFactory.Event(campaign.Id, "s1", EventTypes.PledgeCompleted, _time.GetUtcNow().AddMinutes(-1), 50m),
        ]);
        await db.Log.ProcessAllAsync();
        return campaign.Id;
    }

    /// <summary>
    /// Waits (in real time: database round-trips) until <paramref name="condition"/> holds; with <paramref name="advance"/>
    /// the fake clock moves on a little at each poll, as time would (a throttled call may be waiting on it).
    /// </summary>
    private async Task Eventually(Func<bool> condition, string what, bool advance = false)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(50);
            if (advance)
            {
                _time.Advance(TimeSpan.FromMilliseconds(50));
            }
        }
        Assert.True(condition(), what);
    }

    /// <summary>Subscribes a collector that records every view it receives.</summary>
    private static IDisposable Collect(CampaignLiveSource source, Guid campaign, List<CampaignLiveView> views) =>
        source.Subscribe(campaign, LiveRange.Live, v =>
        {
            lock (views)
            {
                views.Add(v);
            }
            return Task.CompletedTask;
        });

    /// <summary>Gives pending work a real moment to run; used before asserting that nothing more happened.</summary>
    private static Task Settle() => Task.Delay(400);

    [Fact]
    public async Task Subscribe_ThreeSubscribers_ShareOneComputedView()
    {
        var campaign = await CampaignWithEventsAsync();
        var (source, _) = Create();
        var received = new List<CampaignLiveView>[] { [], [], [] };

        var subscriptions = received.Select(list => Collect(source, campaign, list)).ToList();

        await Eventually(() => received.All(l => l.Count == 1), "every subscriber gets the first view");
        await Settle();
        Assert.All(received, l => Assert.Single(l));
        Assert.Same(received[0][0], received[1][0]);
        Assert.Same(received[0][0], received[2][0]);
        Assert.Equal(50m, received[0][0].Metrics.Revenue.Net);
        Assert.Equal(1, source.ActiveTopics);
        subscriptions.ForEach(s => s.Dispose());
        Assert.Equal(0, source.ActiveTopics);
    }

    [Fact]
    public async Task Publish_BurstOfChanges_CoalescedIntoOneViewPerThrottleInterval()
    {
        // Arrange
        var campaign = await CampaignWithEventsAsync();
        var (source, feed) = Create();
        var views = 0;
        using var subscription = source.Subscribe(campaign, LiveRange.Live, _ =>
        {
            Interlocked.Increment(ref views);
            return Task.CompletedTask;
        });
        await Eventually(() => views == 1, "first view");

        // Act: fifty commits in the same instant
        for (var i = 0; i < 50; i++)
        {
            feed.Publish([campaign]);
        }
        await Settle();

        // Assert: nothing before the throttle interval has passed, then at most one view per interval (the burst's
        // leading edge and its trailing edge), and nothing more once the burst is absorbed.
        Assert.Equal(1, views);
        _time.Advance(Throttle);
        await Eventually(() => views == 2, "one view after the interval");
        await Settle();
        Assert.Equal(2, views);
        _time.Advance(Throttle);
        await Settle();
        Assert.InRange(views, 2, 3);
        var absorbed = views;
        _time.Advance(Throttle * 4);
        await Settle();
        Assert.Equal(absorbed, views);
    }

    [Fact]
    public async Task Subscribe_NoEvents_ViewSlidesWithTime()
    {
        var campaign = await CampaignWithEventsAsync();
        var (source, _) = Create();
        var views = new List<CampaignLiveView>();
        using var subscription = Collect(source, campaign, views);
        await Eventually(() => views.Count == 1, "first view");

        _time.Advance(CampaignLiveSource.SlideInterval);

        await Eventually(() => views.Count == 2, "a view when the windows slide");
        Assert.Equal(CampaignLiveSource.SlideInterval, views[1].At - views[0].At);
    }

    [Fact]
    public async Task Subscribe_SlowSubscriber_SkipsToTheNewestView()
    {
        // Arrange: a subscriber stuck in its first delivery
        var campaign = await CampaignWithEventsAsync();
        var (source, feed) = Create();
        var release = new TaskCompletionSource();
        var seen = new List<DateTimeOffset>();
        using var slow = source.Subscribe(campaign, LiveRange.Live, async v =>
        {
            lock (seen)
            {
                seen.Add(v.At);
            }
            await release.Task;
        });
        var fastViews = 0;
        var fastLatest = DateTimeOffset.MinValue;
        using var fast = source.Subscribe(campaign, LiveRange.Live, v =>
        {
            fastLatest = v.At;
            Interlocked.Increment(ref fastViews);
            return Task.CompletedTask;
        });
        await Eventually(() => seen.Count == 1 && fastViews >= 1, "first view");

        // Act: three more views while the slow one is busy
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(Throttle);
            feed.Publish([campaign]);
            var expected = fastViews + 1;
            await Eventually(() => fastViews >= expected, "the fast subscriber keeps up", advance: true);
        }
        await Settle();
        var newest = fastLatest;
        release.SetResult();

        // Assert: the slow subscriber got its first view and then only the newest one
        await Eventually(() => seen.Count == 2, "the slow subscriber catches up");
        await Settle();
        Assert.Equal(2, seen.Count);
        Assert.Equal(newest, seen[1]);
    }

    [Fact]
    public async Task Refresh_DatabaseFails_SubscribersKeepTheLastViewMarkedStale()
    {
        // Arrange: the metric reads start failing after the first view
        var campaign = await CampaignWithEventsAsync();
        var metrics = new FailingMetricsQuery(new MetricsQuery(db.DataSource));
        var (source, feed) = Create(metrics);
        var views = new List<CampaignLiveView>();
        using var subscription = Collect(source, campaign, views);
        await Eventually(() => views.Count == 1, "first view");

        // Act
        metrics.Failing = true;
        _time.Advance(Throttle);
        feed.Publish([campaign]);

        // Assert: the same figures, flagged; then fresh again once the database answers
        await Eventually(() => views.Count == 2, "a stale view");
        Assert.NotNull(views[1].Problem);
        Assert.Equal(views[0].Metrics, views[1].Metrics);
        metrics.Failing = false;
        _time.Advance(CampaignLiveSource.SlideInterval);
        await Eventually(() => views.Count == 3, "a fresh view");
        Assert.Null(views[2].Problem);
    }

    /// <summary>The real metric reads, made to fail on demand the way an unreachable database does.</summary>
    private sealed class FailingMetricsQuery(IMetricsQuery inner) : IMetricsQuery
    {
        public volatile bool Failing;

        private void ThrowIfFailing()
        {
            if (Failing)
            {
                throw new Npgsql.NpgsqlException("connection refused (test)");
            }
        }

        public Task<MetricsSnapshot?> GetSnapshotAsync(Guid campaignId, DateTimeOffset now, CancellationToken ct = default)
        {
            ThrowIfFailing();
            return inner.GetSnapshotAsync(campaignId, now, ct);
        }

        public Task<IReadOnlyList<ConversionPoint>> GetConversionSeriesAsync(Guid campaignId, int windowSeconds, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
        {
            ThrowIfFailing();
            return inner.GetConversionSeriesAsync(campaignId, windowSeconds, from, to, ct);
        }

        public Task<IReadOnlyList<RevenuePoint>> GetRevenueSeriesAsync(Guid campaignId, DateTimeOffset from, DateTimeOffset to, bool hourly, CancellationToken ct = default)
        {
            ThrowIfFailing();
            return inner.GetRevenueSeriesAsync(campaignId, from, to, hourly, ct);
        }

        public Task<IReadOnlyDictionary<Guid, IReadOnlyList<ConversionPoint>>> GetConversionTrendsAsync(IReadOnlyCollection<Guid> campaignIds, int windowSeconds,
            DateTimeOffset from, DateTimeOffset to, int stepSeconds, CancellationToken ct = default)
        {
            ThrowIfFailing();
            return inner.GetConversionTrendsAsync(campaignIds, windowSeconds, from, to, stepSeconds, ct);
        }

        public Task<IReadOnlyList<RevenuePoint>> GetEarlyVelocityAsync(Guid campaignId, CancellationToken ct = default)
        {
            ThrowIfFailing();
            return inner.GetEarlyVelocityAsync(campaignId, ct);
        }
    }
}
