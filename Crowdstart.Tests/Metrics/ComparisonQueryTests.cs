using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Metrics;

/// <summary>
/// The comparisons (previous period, same age as another campaign) read from the stored aggregates equal an independent
/// recomputation from the raw log (<see cref="MetricsOracle"/>), with late events, duplicates resent by clients and refunds.
/// </summary>
[Layer(TestLayer.Database)]
public sealed class ComparisonQueryTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan Lateness = TimeSpan.FromMinutes(10);
    private static readonly DateTimeOffset LaunchA = new(2026, 11, 20, 9, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset LaunchB = new(2026, 11, 18, 14, 20, 0, TimeSpan.Zero);
    private Guid _a, _b;

    // xunit makes an instance per test; the fixture's database is seeded once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<(Guid A, Guid B)>>> Seeded = new();

    public async Task InitializeAsync() =>
        (_a, _b) = await Seeded.GetOrAdd(db.Name, _ => new Lazy<Task<(Guid, Guid)>>(SeedAsync)).Value;

    private async Task<(Guid, Guid)> SeedAsync()
    {
        // Arrange (shared): two launches of the same organisation two days apart, five hours of traffic each.
        await Crowdstart.Pipeline.Storage.TimeSeriesPartitions.EnsureAsync(db.DataSource, LaunchB, daysBack: 1, daysAhead: 4);
        _a = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "cmp-a", "Aurora", "EUR", 50_000m, LaunchA)).Id;
        _b = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "cmp-b", "Ember Isles", "EUR", 50_000m, LaunchB)).Id;
        var random = new Random(21_5);
        foreach (var (campaign, launch, pace) in new[] { (_a, LaunchA, 1.3), (_b, LaunchB, 1.0) })
        {
            var events = new List<(EventRecord Event, DateTimeOffset ArrivesAt)>();
            string[] sources = ["direct", "social:reddit", "social:twitter", "search", "direct"];
            for (var c = 0; c < (int)(220 * pace); c++)
            {
                var customer = $"c{c}-{campaign.ToString()[..4]}";
                // From 20 min before the launch (pre-launch traffic) to 5 h after it.
                var at = launch.AddSeconds(random.Next(-1200, 5 * 3600));
                var source = sources[random.Next(sources.Length)];
                void Emit(string type, decimal? amount = null) => events.Add((
                    new EventRecord(Guid.NewGuid(), type, campaign, customer, customer + "-s", at, source, amount, amount is null ? null : "EUR", null),
                    random.NextDouble() < 0.1 ? at.AddSeconds(random.Next(700, 3000)) : at.AddSeconds(random.Next(0, 30))));
                Emit(EventTypes.PageView);
                if (random.NextDouble() < 0.7) { at = at.AddSeconds(random.Next(5, 600)); Emit(EventTypes.CheckoutStarted); }
                if (random.NextDouble() < 0.2) { at = at.AddSeconds(random.Next(1, 60)); Emit(EventTypes.CheckoutFailed); }
                if (random.NextDouble() < 0.6) { at = at.AddSeconds(random.Next(1, 900)); Emit(EventTypes.PledgeCompleted, random.Next(10, 400)); }
                if (random.NextDouble() < 0.08) { at = at.AddSeconds(random.Next(60, 3600)); Emit(EventTypes.PledgeRefunded, random.Next(10, 400)); }
            }
            var time = new FakeTimeProvider();
            foreach (var group in events.GroupBy(e => e.ArrivesAt.UtcTicks / TimeSpan.TicksPerMinute / 10).OrderBy(g => g.Key))
            {
                time.SetUtcNow(group.Max(e => e.ArrivesAt));
                var batch = group.Select(e => e.Event).ToList();
                // Clients resend a few events: the log keeps them once.
                batch.AddRange(batch.Where(_ => random.NextDouble() < 0.05).ToList());
                await db.Log.AppendAsync(batch, time);
            }
        }
        await db.Log.ProcessAllAsync();
        return (_a, _b);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(0.2)]
    [InlineData(47)]
    [InlineData(3 * 60 + 40)]
    [InlineData(6 * 60)]
    public async Task CompareAtSameAge_StoredRollups_EqualNetFromRawEventsAtTheSameTimeSinceLaunch(double minutesAfterLaunchA)
    {
        // Arrange
        var now = LaunchA.AddMinutes(minutesAfterLaunchA);
        var age = ComparisonQuery.Age(now - EventTime.MinuteOf(LaunchA));

        // Act
        var result = await new ComparisonQuery(db.DataSource).CompareAtSameAgeAsync(_a, _b, now);

        // Assert
        if (age == TimeSpan.Zero)
        {
            Assert.Null(result);
            return;
        }
        Assert.NotNull(result);
        Assert.Equal(age, result.At);
        Assert.Equal(await MetricsOracle.NetSinceLaunchAsync(db.DataSource, _a, age), result.Net);
        Assert.Equal(await MetricsOracle.NetSinceLaunchAsync(db.DataSource, _b, age), result.OtherNet);
        Assert.True(result.OtherNet != 0, "the older campaign must have pledges in the compared span");
        Assert.Equal(result.Net > result.OtherNet, result.Relative > 0);
        Assert.Equal((double)((result.Net - result.OtherNet) / Math.Abs(result.OtherNet)), result.Relative!.Value, 12);
    }

    [Fact]
    public async Task CompareAtSameAge_OtherCampaignYounger_ComparedAtTheYoungerOnesAge()
    {
        // Arrange: B is 2 days older; from B's side, A is the younger one.
        var now = LaunchA.AddMinutes(130);

        // Act
        var result = (await new ComparisonQuery(db.DataSource).CompareAtSameAgeAsync(_b, _a, now))!;

        // Assert
        Assert.Equal(TimeSpan.FromHours(2), result.At);
        Assert.Equal(await MetricsOracle.NetSinceLaunchAsync(db.DataSource, _b, TimeSpan.FromHours(2)), result.Net);
        Assert.Equal(await MetricsOracle.NetSinceLaunchAsync(db.DataSource, _a, TimeSpan.FromHours(2)), result.OtherNet);
    }

    [Theory]
    [InlineData(2 * 60 + 13.3)]
    [InlineData(4 * 60 + 1)]
    public async Task PreviousPeriod_EveryWindow_EqualsRecomputationOfTheWindowBefore(double minutesAfterLaunch)
    {
        // Arrange
        var now = LaunchA.AddMinutes(minutesAfterLaunch).AddSeconds(3);
        var live = MetricWindows.LivePoint(now);

        // Act
        var previous = (await new ComparisonQuery(db.DataSource).GetPreviousPeriodAsync(_a, now))!;

        // Assert
        foreach (var w in MetricWindows.WindowSeconds)
        {
            var (from, to) = (live.AddSeconds(-2 * w), live.AddSeconds(-w));
            Assert.True(previous.Has(w));
            var rows = (await MetricsOracle.WindowsAsync(db.DataSource, _a, w, Lateness)).Expected;
            var point = to.UtcDateTime.ToString("O");
            var conversion = previous.Conversion.Single(c => c.WindowSeconds == w);
            Assert.Equal(rows.SingleOrDefault(r => r.StartsWith(point, StringComparison.Ordinal)) ?? $"{point} | 0 | 0",
                $"{point} | {conversion.Visitors} | {conversion.Pledgers}");
            var checkout = previous.Checkout.Single(c => c.WindowSeconds == w);
            Assert.Equal(await MetricsOracle.CountAsync(db.DataSource, _a, EventTypes.CheckoutStarted, from, to, Lateness), checkout.Attempts);
            Assert.Equal(await MetricsOracle.CountAsync(db.DataSource, _a, EventTypes.CheckoutFailed, from, to, Lateness), checkout.Failures);
            var social = previous.Social.Single(s => s.WindowSeconds == w);
            Assert.Equal(await MetricsOracle.PageViewsAsync(db.DataSource, _a, "social:%", from, to, Lateness), social.SocialVisits);
            Assert.Equal(await MetricsOracle.PageViewsAsync(db.DataSource, _a, "direct", from, to, Lateness), social.DirectVisits);
        }
        Assert.Contains(previous.Checkout, c => c.Attempts > 0);
        Assert.Contains(previous.Conversion, c => c.Visitors > 0 && c.Pledgers > 0);
        var minute = EventTime.MinuteOf(now);
        Assert.True(previous.HasLastHour);
        Assert.Equal(await MetricsOracle.NetAsync(db.DataSource, _a, minute.AddMinutes(-119), minute.AddMinutes(-59)), previous.LastHourNet);
        Assert.NotEqual(0m, previous.LastHourNet);
    }

    [Fact]
    public async Task PreviousPeriod_CampaignYoungerThanTwoWindows_NoPreviousPeriod()
    {
        // Arrange: 7 minutes after the launch the 5-min window before the current one started before the launch.
        var now = LaunchA.AddMinutes(7);

        // Act
        var previous = (await new ComparisonQuery(db.DataSource).GetPreviousPeriodAsync(_a, now))!;

        // Assert
        Assert.True(previous.Has(60));
        Assert.False(previous.Has(300));
        Assert.False(previous.Has(3600));
        Assert.False(previous.HasLastHour);
    }
}
