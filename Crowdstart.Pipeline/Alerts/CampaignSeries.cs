namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// A campaign's recent 10-second buckets with O(1) window sums. Index 0 is the oldest bucket; the last one is the
/// latest complete bucket at evaluation time.
/// </summary>
public sealed class CampaignSeries
{
    private readonly BucketCounts[] _buckets;
    private readonly long[] _visits, _checkouts, _failures, _pledges, _rewardViews, _carts;

    public CampaignSeries(IReadOnlyList<BucketCounts> buckets, DateTimeOffset launchAt)
    {
        _buckets = [.. buckets];
        LaunchAt = launchAt;
        _visits = Prefix(b => b.Visits);
        _checkouts = Prefix(b => b.Checkouts);
        _failures = Prefix(b => b.CheckoutFailures);
        _pledges = Prefix(b => b.Pledges);
        _rewardViews = Prefix(b => b.RewardViews);
        _carts = Prefix(b => b.Carts);
    }

    public DateTimeOffset LaunchAt { get; }
    public int Count => _buckets.Length;
    public BucketCounts this[int index] => _buckets[index];

    /// <summary>End of the latest bucket: the moment the evaluation describes.</summary>
    public DateTimeOffset End => _buckets.Length == 0 ? LaunchAt : _buckets[^1].Start + BucketCounts.Width;

    public long Visits(int from, int to) => Sum(_visits, from, to);
    public long Checkouts(int from, int to) => Sum(_checkouts, from, to);
    public long Failures(int from, int to) => Sum(_failures, from, to);
    public long Pledges(int from, int to) => Sum(_pledges, from, to);
    public long RewardViews(int from, int to) => Sum(_rewardViews, from, to);
    public long Carts(int from, int to) => Sum(_carts, from, to);

    /// <summary>Sum of one funnel step's counts over buckets [from, to).</summary>
    public long Sum(CountedStep step, int from, int to) => step switch
    {
        CountedStep.Visits => Visits(from, to),
        CountedStep.RewardViews => RewardViews(from, to),
        CountedStep.Carts => Carts(from, to),
        CountedStep.Checkouts => Checkouts(from, to),
        CountedStep.Failures => Failures(from, to),
        CountedStep.Pledges => Pledges(from, to),
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    /// <summary>The index of the bucket that starts at or after <paramref name="at"/> (Count when none).</summary>
    public int IndexAt(DateTimeOffset at)
    {
        if (_buckets.Length == 0)
        {
            return 0;
        }
        var index = Math.Ceiling((at - _buckets[0].Start) / BucketCounts.Width);
        return (int)Math.Clamp(index, 0, _buckets.Length);
    }

    private long[] Prefix(Func<BucketCounts, int> value)
    {
        var sums = new long[_buckets.Length + 1];
        for (var i = 0; i < _buckets.Length; i++)
        {
            sums[i + 1] = sums[i] + value(_buckets[i]);
        }
        return sums;
    }

    private static long Sum(long[] prefix, int from, int to) => prefix[Math.Clamp(to, 0, prefix.Length - 1)] - prefix[Math.Clamp(from, 0, prefix.Length - 1)];
}
