using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Processing;

[Layer(TestLayer.Unit)]
public class MinuteAggregatorTests
{
    private static readonly Guid Campaign = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MinuteOf_OffsetTimestamp_TruncatesToUtcMinute()
    {
        var at = new DateTimeOffset(2026, 11, 26, 14, 7, 59, 999, TimeSpan.FromHours(2));

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 12, 7, 0, TimeSpan.Zero), EventTime.MinuteOf(at));
    }

    [Fact]
    public void Aggregate_MixedEvents_CountsByTypeAndMinuteInEventTime()
    {
        var events = new[]
        {
            EventFactory.Event(Campaign, "a", EventTypes.PageView, T0.AddSeconds(70)),
            EventFactory.Event(Campaign, "a", EventTypes.PledgeCompleted, T0.AddSeconds(75), 40m),
            EventFactory.Event(Campaign, "b", EventTypes.PageView, T0.AddSeconds(5)), // earlier minute, arrives later
            EventFactory.Event(Campaign, "b", EventTypes.PledgeRefunded, T0.AddSeconds(80), 15m),
            EventFactory.Event(Campaign, "a", EventTypes.PageView, T0.AddSeconds(90)),
        };

        var result = MinuteAggregator.Aggregate(events);

        var m1 = result[(Campaign, T0.AddMinutes(1))];
        Assert.Equal(2, m1.PageViews);
        Assert.Equal(1, m1.PledgesCompleted);
        Assert.Equal(40m, m1.PledgedAmount);
        Assert.Equal(1, m1.PledgesRefunded);
        Assert.Equal(15m, m1.RefundedAmount);
        Assert.Equal(5 - 1, m1.Events);
        Assert.Equal(1, result[(Campaign, T0)].PageViews);
    }
}
