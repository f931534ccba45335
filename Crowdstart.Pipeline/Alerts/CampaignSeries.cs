namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// A campaign's recent 10-second buckets with O(1) window sums. Index 0 is the oldest bucket; the last one is the
/// latest complete bucket at evaluation time.
/// </summary>
public sealed class CampaignSeries
{
    private readonly BucketCounts[] _buckets;
    private readonly long[] _visits, _checkouts, _failures, _pledges;

    public CampaignSeries(IReadOnlyList<BucketCounts> buckets, DateTimeOffset launchAt)
    {
        _buckets = [.. buckets];
        LaunchAt = launchAt;
        _visits = Prefix(b => b.Visits);
        _checkouts = Prefix(b => b.Checkouts);
        _failures = Prefix(b => b.CheckoutFailures);
        _pledges = Prefix(b => b.Pledges);
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
