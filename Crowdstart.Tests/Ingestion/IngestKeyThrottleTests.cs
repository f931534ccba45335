using System.Net;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Ingestion;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Ingestion;

/// <summary>The wrong-key throttle's sliding window on a fake clock.</summary>
[Layer(TestLayer.Unit)]
public class IngestKeyThrottleTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("198.51.100.7");

    private static (IngestKeyThrottle Throttle, FakeTimeProvider Time) Create(int limit = 5, int windowSeconds = 60)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        return (new IngestKeyThrottle(Options.Create(new IngestionOptions { FailedKeyAttemptsPerWindow = limit, FailedKeyWindowSeconds = windowSeconds }), time), time);
    }

    [Fact]
    public void RetryAfter_LimitReached_RefusesUntilTheWindowHasSlidPast()
    {
        var (throttle, time) = Create();
        for (var i = 0; i < 4; i++)
        {
            throttle.RecordFailure(Guesser);
        }
        var below = throttle.RetryAfter(Guesser);
        throttle.RecordFailure(Guesser);

        var wait = throttle.RetryAfter(Guesser);
        time.Advance(wait!.Value);
        var after = throttle.RetryAfter(Guesser);

        Assert.Null(below);
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(120));
        Assert.Null(after);
    }

    [Fact]
    public void RetryAfter_OtherAddressOrSameIPv6Subnet_CountsPerAddressAndPerSlash64()
    {
        var (throttle, _) = Create(limit: 2);
        throttle.RecordFailure(Guesser);
        throttle.RecordFailure(Guesser);
        throttle.RecordFailure(IPAddress.Parse("2a00:1450:4001:81c::1"));
        throttle.RecordFailure(IPAddress.Parse("2a00:1450:4001:81c::2"));

        Assert.NotNull(throttle.RetryAfter(Guesser));
        Assert.NotNull(throttle.RetryAfter(IPAddress.Parse("::ffff:198.51.100.7")));
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("198.51.100.8")));
        Assert.NotNull(throttle.RetryAfter(IPAddress.Parse("2a00:1450:4001:81c::3")));
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("2a00:1450:4001:81d::1")));
    }
}
