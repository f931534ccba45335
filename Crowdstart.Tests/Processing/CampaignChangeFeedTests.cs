using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Processing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Processing;

[Layer(TestLayer.Unit)]
public class CampaignChangeFeedTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly CampaignChangeFeed _feed;

    public CampaignChangeFeedTests()
    {
        _feed = new CampaignChangeFeed(Options.Create(new ProcessingOptions { NotifyThrottleMilliseconds = 200 }), _time,
            NullLogger<CampaignChangeFeed>.Instance);
    }

    [Fact]
    public async Task Publish_Burst_IsCoalescedIntoOneQueuedCallPerThrottleInterval()
    {
        var campaign = Guid.NewGuid();
        var calls = 0;
        var signal = new SemaphoreSlim(0);
        using var _ = _feed.Subscribe(campaign, () => { Interlocked.Increment(ref calls); signal.Release(); return Task.CompletedTask; });

        _feed.Publish([campaign]);
        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5)));
        for (var i = 0; i < 50; i++)
        {
            _feed.Publish([campaign]);
        }
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(100)));
        _time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Publish_OtherCampaign_DoesNotNotify_ButAllCampaignSubscriberIsNotified()
    {
        var mine = Guid.NewGuid();
        var mineCalls = 0;
        var all = new SemaphoreSlim(0);
        using var a = _feed.Subscribe(mine, () => { Interlocked.Increment(ref mineCalls); return Task.CompletedTask; });
        using var b = _feed.Subscribe(null, () => { all.Release(); return Task.CompletedTask; });

        _feed.Publish([Guid.NewGuid()]);

        Assert.True(await all.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, mineCalls);
    }

    [Fact]
    public async Task Publish_WhileCallbackRuns_NeverOverlapsAndRunsOnceMoreAfterwards()
    {
        var campaign = Guid.NewGuid();
        var running = 0;
        var maxRunning = 0;
        var calls = 0;
        var release = new TaskCompletionSource();
        var started = new SemaphoreSlim(0);
        using var _ = _feed.Subscribe(campaign, async () =>
        {
            var now = Interlocked.Increment(ref running);
            maxRunning = Math.Max(maxRunning, now);
            Interlocked.Increment(ref calls);
            started.Release();
            if (calls == 1)
            {
                await release.Task;
            }
            Interlocked.Decrement(ref running);
        });

        _feed.Publish([campaign]);
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(5)));
        _time.Advance(TimeSpan.FromSeconds(1)); // the throttle interval passes while the first call is still running
        _feed.Publish([campaign]);
        _feed.Publish([campaign]);
        Assert.False(await started.WaitAsync(TimeSpan.FromMilliseconds(100)));
        release.SetResult();
        for (var i = 0; i < 50 && calls < 2; i++)
        {
            await Task.Delay(20);
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(2, calls);
        Assert.Equal(1, maxRunning);
    }

    [Fact]
    public async Task Dispose_Subscription_StopsNotifications()
    {
        var campaign = Guid.NewGuid();
        var calls = 0;
        var subscription = _feed.Subscribe(campaign, () => { Interlocked.Increment(ref calls); return Task.CompletedTask; });

        subscription.Dispose();
        _feed.Publish([campaign]);
        await Task.Delay(50);

        Assert.Equal(0, calls);
    }
}
