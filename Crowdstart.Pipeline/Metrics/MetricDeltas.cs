namespace Crowdstart.Pipeline.Metrics;

/// <summary>
/// Differences to apply to the metric tables for one batch: the new contribution of every touched
/// customer minus their contribution before the batch. Zero entries are dropped before writing.
/// </summary>
public sealed class MetricDeltas
{
    public Dictionary<(Guid Campaign, DateTimeOffset Minute), long> UniqueCustomers { get; } = [];
    public Dictionary<(Guid Campaign, int Window, long Point), (long Visitors, long Pledgers)> Windows { get; } = [];
    public Dictionary<(Guid Campaign, string Source, int Step), long> Funnel { get; } = [];
    public Dictionary<(Guid Campaign, DateTimeOffset Hour, string Source), (long Customers, long Returned)> Cohorts { get; } = [];
    public Dictionary<(Guid Campaign, DateTimeOffset Hour, string Source, int HoursSince), long> CohortReturns { get; } = [];
    public Dictionary<(Guid Campaign, DateTimeOffset Minute), (long Carts, long Completed)> Carts { get; } = [];
    public Dictionary<(Guid Campaign, int Seconds), long> CartCompletion { get; } = [];

    /// <summary>Adds <c>sign ×</c> the contribution of one customer.</summary>
    public void Add(Guid campaign, CustomerContribution c, int sign)
    {
        foreach (var minute in c.ActiveMinutes)
        {
            Bump(UniqueCustomers, (campaign, minute), sign);
        }
        for (var k = 1; k <= c.FunnelStepsReached; k++)
        {
            Bump(Funnel, (campaign, c.FunnelSource!, k), sign);
        }
        if (c.Cohort is { } cohort)
        {
            var key = (campaign, cohort.Hour, cohort.Source);
            var (customers, returned) = Cohorts.GetValueOrDefault(key);
            Cohorts[key] = (customers + sign, returned + (cohort.ReturnedAfterHours is null ? 0 : sign));
            if (cohort.ReturnedAfterHours is { } hours)
            {
                Bump(CohortReturns, (campaign, cohort.Hour, cohort.Source, hours), sign);
            }
        }
        if (c.Cart is { } cart)
        {
            var (carts, completed) = Carts.GetValueOrDefault((campaign, cart.Minute));
            Carts[(campaign, cart.Minute)] = (carts + sign, completed + (cart.CompletionSeconds is null ? 0 : sign));
            if (cart.CompletionSeconds is { } seconds)
            {
                Bump(CartCompletion, (campaign, seconds), sign);
            }
        }
    }

    /// <summary>
    /// Adds the window coverage difference between a customer's old and new contribution. Coverage can only
    /// change within W after the batch's own events (<paramref name="newEventTimes"/>), so only those points are
    /// compared: the work per batch is bounded by the batch, not by the customer's whole history.
    /// </summary>
    public void AddCoverage(Guid campaign, CustomerContribution? before, CustomerContribution after, IEnumerable<DateTimeOffset> newEventTimes)
    {
        var starts = newEventTimes.Select(t => MetricWindows.FirstPoint(t.UtcTicks)).Distinct().Order().ToArray();
        foreach (var w in MetricWindows.WindowSeconds)
        {
            var length = TimeSpan.FromSeconds(w).Ticks;
            var ranges = new List<(long Start, long End)>();
            foreach (var start in starts)
            {
                if (ranges.Count > 0 && start <= ranges[^1].End)
                {
                    ranges[^1] = (ranges[^1].Start, Math.Max(ranges[^1].End, start + length));
                }
                else
                {
                    ranges.Add((start, start + length));
                }
            }
            ApplyDifference(campaign, w, ranges, before?.VisitCoverage[w] ?? [], after.VisitCoverage[w], visit: true);
            ApplyDifference(campaign, w, ranges, before?.PledgeCoverage[w] ?? [], after.PledgeCoverage[w], visit: false);
        }
    }

    private void ApplyDifference(Guid campaign, int window, List<(long Start, long End)> ranges,
        List<(long Start, long End)> before, List<(long Start, long End)> after, bool visit)
    {
        // +1 where only 'after' covers a point, −1 where only 'before' does (cannot happen while the log only grows).
        foreach (var (start, end) in ranges)
        {
            for (var p = start; p < end; p += MetricWindows.StepTicks)
            {
                var was = Covers(before, p);
                var now = Covers(after, p);
                if (was != now)
                {
                    BumpWindow(campaign, window, p, visit, now ? +1 : -1);
                }
            }
        }
    }

    private static bool Covers(List<(long Start, long End)> runs, long point)
    {
        int lo = 0, hi = runs.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (point < runs[mid].Start)
            {
                hi = mid - 1;
            }
            else if (point >= runs[mid].End)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }
        return false;
    }

    private void BumpWindow(Guid campaign, int window, long point, bool visit, int sign)
    {
        var key = (campaign, window, point);
        var (v, p) = Windows.GetValueOrDefault(key);
        Windows[key] = visit ? (v + sign, p) : (v, p + sign);
    }

    private static void Bump<TKey>(Dictionary<TKey, long> map, TKey key, int sign) where TKey : notnull =>
        map[key] = map.GetValueOrDefault(key) + sign;
}
