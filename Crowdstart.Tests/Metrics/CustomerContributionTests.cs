using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Metrics;

/// <summary>Edge cases of the per-customer metric definitions (docs/metrics.md).</summary>
[Layer(TestLayer.Unit)]
public class CustomerContributionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly MetricSettings Settings = new(FunnelDefinition.Default, TimeSpan.FromHours(1), TimeSpan.FromMinutes(10));
    private long _offset;

    private HistoryEvent E(string type, DateTimeOffset at, string session = "s1", string source = "direct", TimeSpan? delay = null) =>
        new(++_offset, type, at, at + (delay ?? TimeSpan.Zero), session, source);

    private static CustomerContribution Compute(params HistoryEvent[] events) => CustomerContribution.Compute(events, Settings);

    private static List<DateTimeOffset> Points(List<(long Start, long End)> runs) =>
        runs.SelectMany(r => Enumerable.Range(0, (int)((r.End - r.Start) / MetricWindows.StepTicks))
            .Select(i => new DateTimeOffset(r.Start + i * MetricWindows.StepTicks, TimeSpan.Zero))).ToList();

    [Theory]
    [InlineData(0, 10, 60)]      // exactly on a boundary: counts at 12:00:10 … 12:01:00 ([T − 60 s, T) includes its start)
    [InlineData(9_999, 10, 60)]  // just before the next boundary: same points
    [InlineData(10_000, 20, 70)] // on the next boundary: shifted by one point
    public void Compute_VisitAtWindowEdges_CoversExactlyTheWindowsThatContainIt(int millis, int firstSecond, int lastSecond)
    {
        var c = Compute(E(EventTypes.PageView, T0.AddMilliseconds(millis)));

        var points = Points(c.VisitCoverage[60]);

        Assert.Equal(6, points.Count);
        Assert.Equal(T0.AddSeconds(firstSecond), points[0]);
        Assert.Equal(T0.AddSeconds(lastSecond), points[^1]);
    }

    [Fact]
    public void Compute_VisitsCloserThanTheWindow_CountOnceInOverlappingPoints()
    {
        var c = Compute(E(EventTypes.PageView, T0), E(EventTypes.PageView, T0.AddSeconds(30)));

        Assert.Equal(9, Points(c.VisitCoverage[60]).Count); // 12:00:10 … 12:01:30, no point twice
        Assert.Single(c.VisitCoverage[60]);
    }

    [Theory]
    [InlineData(600, true)]  // received exactly at the allowed lateness: still live
    [InlineData(601, false)] // one second later: late, left out of live windows
    public void Compute_LateEvent_IsLeftOutOfLiveWindowsOnly(int delaySeconds, bool live)
    {
        var c = Compute(E(EventTypes.PageView, T0, delay: TimeSpan.FromSeconds(delaySeconds)));

        Assert.Equal(live, c.VisitCoverage[60].Count > 0);
        Assert.Equal(1, c.FunnelStepsReached);
        Assert.NotNull(c.Cohort);
    }

    [Theory]
    [InlineData(-600, 0)]   // the visit was ten minutes before the pledge: outside the 1 min and 5 min windows
    [InlineData(-30, 601)]  // the visit was in every window but arrived late: left out of live windows
    [InlineData(null, 0)]   // no visit in the log at all (lost, or the customer came straight to checkout)
    public void Compute_PledgeWithoutAVisitInTheWindow_CountsTheCustomerAsAVisitorOfEveryWindowOfThePledge(int? visitSeconds, int visitDelaySeconds)
    {
        // Arrange
        var pledgeAt = T0.AddMinutes(30);
        var events = new List<HistoryEvent> { E(EventTypes.PledgeCompleted, pledgeAt) };
        if (visitSeconds is { } seconds)
        {
            events.Add(E(EventTypes.PageView, pledgeAt.AddSeconds(seconds), delay: TimeSpan.FromSeconds(visitDelaySeconds)));
        }

        // Act
        var c = Compute([.. events]);

        // Assert: a pledger is a visitor of the window, so pledgers can never outnumber visitors
        foreach (var w in MetricWindows.WindowSeconds)
        {
            var pledged = Points(c.PledgeCoverage[w]);
            Assert.Equal(w / MetricWindows.StepSeconds, pledged.Count);
            Assert.Empty(pledged.Except(Points(c.VisitCoverage[w])));
        }
    }

    [Fact]
    public void Compute_FullFunnelWithinWindows_ReachesEveryStep()
    {
        var c = Compute(
            E(EventTypes.PageView, T0, source: "social:reddit"),
            E(EventTypes.RewardView, T0.AddMinutes(30)), // exactly at the 30 min window: counts
            E(EventTypes.CartCreated, T0.AddMinutes(31)),
            E(EventTypes.CheckoutStarted, T0.AddMinutes(31)), // same instant as the cart: counts
            E(EventTypes.PledgeCompleted, T0.AddMinutes(40)));

        Assert.Equal(5, c.FunnelStepsReached);
        Assert.Equal("social:reddit", c.FunnelSource);
    }

    [Fact]
    public void Compute_StepOutsideItsConversionWindow_StopsTheFunnel()
    {
        var c = Compute(
            E(EventTypes.PageView, T0),
            E(EventTypes.RewardView, T0.AddMinutes(30).AddSeconds(1)),
            E(EventTypes.CartCreated, T0.AddMinutes(31)));

        Assert.Equal(1, c.FunnelStepsReached);
    }

    [Fact]
    public void Compute_StepsOutOfOrder_OnlyOrderedStepsCount()
    {
        // The cart happened before the reward view, so it cannot be the step after it.
        var c = Compute(
            E(EventTypes.PageView, T0),
            E(EventTypes.CartCreated, T0.AddMinutes(1)),
            E(EventTypes.RewardView, T0.AddMinutes(2)));

        Assert.Equal(2, c.FunnelStepsReached);
    }

    [Fact]
    public void Compute_LaterCartWithinWindow_CountsEvenWhenTheFirstCartIsTooOld()
    {
        var c = Compute(
            E(EventTypes.PageView, T0),
            E(EventTypes.RewardView, T0.AddMinutes(1)),
            E(EventTypes.CartCreated, T0.AddMinutes(2)),
            E(EventTypes.CartCreated, T0.AddMinutes(25)),
            E(EventTypes.CheckoutStarted, T0.AddMinutes(50))); // 48 min after the first cart, 25 after the second

        Assert.Equal(4, c.FunnelStepsReached);
    }

    [Fact]
    public void Compute_EventsArrivingInAnyOrder_GiveTheSameResult()
    {
        var events = new[]
        {
            E(EventTypes.PageView, T0, "a", "search"), E(EventTypes.RewardView, T0.AddMinutes(5), "a"),
            E(EventTypes.CartCreated, T0.AddMinutes(6), "a"), E(EventTypes.PageView, T0.AddHours(3), "b", "email"),
            E(EventTypes.PledgeCompleted, T0.AddMinutes(20), "a"),
        };

        var forward = CustomerContribution.Compute(events, Settings);
        var backward = CustomerContribution.Compute(events.Reverse(), Settings);

        Assert.Equal(forward.FunnelStepsReached, backward.FunnelStepsReached);
        Assert.Equal(forward.Cohort, backward.Cohort);
        Assert.Equal(forward.Cart, backward.Cart);
        Assert.Equal(forward.VisitCoverage[3600], backward.VisitCoverage[3600]);
    }

    [Theory]
    [InlineData(23 * 3600 + 3599, 23)] // a new session 23:59:59 later: returned, in hour 23
    [InlineData(24 * 3600, null)]      // exactly 24 h later: outside the return window
    public void Compute_ReturnVisit_CountsOnlyInALaterSessionWithin24Hours(int secondsLater, int? hour)
    {
        var c = Compute(
            E(EventTypes.PageView, T0.AddMinutes(17), "first", "social:twitter"),
            E(EventTypes.PageView, T0.AddMinutes(30), "first"), // same session: not a return
            E(EventTypes.PageView, T0.AddMinutes(17).AddSeconds(secondsLater), "second"));

        Assert.Equal(new CohortMembership(T0, "social:twitter", hour), c.Cohort);
    }

    [Fact]
    public void Compute_CartThenPledge_RecordsWholeSecondsAndTheCartMinute()
    {
        var c = Compute(
            E(EventTypes.PledgeCompleted, T0.AddMinutes(-5)), // before the cart: does not complete it
            E(EventTypes.CartCreated, T0.AddSeconds(42)),
            E(EventTypes.PledgeCompleted, T0.AddSeconds(42 + 95.9)));

        Assert.Equal(new CartOutcome(T0, 95), c.Cart);
    }

    [Theory]
    [InlineData(3600, 3600)]  // exactly at the cart window: completed
    [InlineData(3601, null)]  // after it: abandoned once the window has passed
    public void Compute_PledgeAtCartWindowEdge_CompletesOnlyWithinTheWindow(int seconds, int? expected)
    {
        var c = Compute(E(EventTypes.CartCreated, T0), E(EventTypes.PledgeCompleted, T0.AddSeconds(seconds)));

        Assert.Equal(expected, c.Cart!.CompletionSeconds);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Deltas_HistoryArrivingInRandomBatches_SumToTheContributionOfTheWholeHistory(int seed)
    {
        // Arrange: a random history (ties in time included) whose events get offsets in a random arrival order,
        // then are "processed" in random batches exactly as the pipeline does: after − before per batch.
        var random = new Random(seed);
        string[] types = [.. EventTypes.All];
        var times = Enumerable.Range(0, 40).Select(_ => T0.AddSeconds(random.Next(0, 3 * 3600))).ToList();
        var arrival = Enumerable.Range(0, 40).OrderBy(_ => random.Next()).ToList();
        var history = arrival.Select((eventIndex, order) => new HistoryEvent(order + 1, types[random.Next(types.Length)],
            times[eventIndex % 10 == 0 ? 0 : eventIndex], times[eventIndex] + TimeSpan.FromSeconds(random.Next(0, 1200)),
            $"s{random.Next(3)}", random.Next(2) == 0 ? "direct" : "social:reddit")).ToList();
        var incremental = new MetricDeltas();
        long checkpoint = 0;
        CustomerContribution? before = null;
        var campaign = Guid.NewGuid();

        // Act
        while (checkpoint < history.Count)
        {
            var next = Math.Min(history.Count, checkpoint + random.Next(1, 8));
            var after = CustomerContribution.Compute(history.Where(h => h.Offset <= next), Settings);
            if (before is not null)
            {
                incremental.Add(campaign, before, -1);
            }
            incremental.Add(campaign, after, +1);
            incremental.AddCoverage(campaign, before, after, history.Where(h => h.Offset > checkpoint && h.Offset <= next).Select(h => h.OccurredAt));
            before = after;
            checkpoint = next;
        }
        var whole = new MetricDeltas();
        var all = CustomerContribution.Compute(history, Settings);
        whole.Add(campaign, all, +1);
        whole.AddCoverage(campaign, null, all, history.Select(h => h.OccurredAt));

        // Assert
        static Dictionary<TKey, TValue> NonZero<TKey, TValue>(Dictionary<TKey, TValue> map) where TKey : notnull =>
            map.Where(x => !EqualityComparer<TValue>.Default.Equals(x.Value, default!)).ToDictionary(x => x.Key, x => x.Value);
        Assert.Equal(NonZero(whole.Windows), NonZero(incremental.Windows));
        Assert.Equal(NonZero(whole.Funnel), NonZero(incremental.Funnel));
        Assert.Equal(NonZero(whole.Cohorts), NonZero(incremental.Cohorts));
        Assert.Equal(NonZero(whole.CohortReturns), NonZero(incremental.CohortReturns));
        Assert.Equal(NonZero(whole.Carts), NonZero(incremental.Carts));
        Assert.Equal(NonZero(whole.CartCompletion), NonZero(incremental.CartCompletion));
        Assert.Equal(NonZero(whole.UniqueCustomers), NonZero(incremental.UniqueCustomers));
        Assert.NotEmpty(NonZero(whole.Windows));
    }

    [Fact]
    public void FunnelDefinition_Invalid_NamesTheProblem()
    {
        Assert.Contains("between 2 and 10", Assert.Throws<ArgumentException>(() => FunnelDefinition.Parse("""[{"type":"page_view"}]""")).Message);
        Assert.Contains("distinct", Assert.Throws<ArgumentException>(() => FunnelDefinition.Parse("""[{"type":"page_view"},{"type":"page_view","withinSeconds":5}]""")).Message);
        Assert.Contains("funnel[1].withinSeconds", Assert.Throws<ArgumentException>(() => FunnelDefinition.Parse("""[{"type":"page_view"},{"type":"cart_created"}]""")).Message);
        Assert.Contains("funnel[1].type", Assert.Throws<ArgumentException>(() => FunnelDefinition.Parse("""[{"type":"page_view"},{"type":"buy","withinSeconds":5}]""")).Message);
        Assert.Equal(FunnelDefinition.Default.Steps, FunnelDefinition.Parse(FunnelDefinition.Default.ToJson()).Steps);
    }
}
