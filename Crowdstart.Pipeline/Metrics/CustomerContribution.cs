using Crowdstart.Pipeline.Events;

namespace Crowdstart.Pipeline.Metrics;

/// <summary>One event of a customer's history, as the metrics need it.</summary>
public sealed record HistoryEvent(
    long Offset, string Type, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, string SessionId, string Source);

/// <summary>What the metrics need to know about a campaign.</summary>
/// <param name="Funnel">The campaign's funnel.</param>
/// <param name="CartWindow">A cart counts as completed when the pledge follows within this time.</param>
/// <param name="AllowedLateness">Events received later than this after they occurred are left out of live windows.</param>
public sealed record MetricSettings(FunnelDefinition Funnel, TimeSpan CartWindow, TimeSpan AllowedLateness);

/// <summary>A customer's cohort membership: first visit hour and source, and when they first came back.</summary>
public sealed record CohortMembership(DateTimeOffset Hour, string Source, int? ReturnedAfterHours);

/// <summary>A customer's first cart and how fast it turned into a pledge.</summary>
public sealed record CartOutcome(DateTimeOffset Minute, int? CompletionSeconds);

/// <summary>
/// Everything one customer contributes to the per-customer metrics, computed from their whole history.
/// The pipeline computes it before and after a batch and stores only the difference, so results are
/// replaced, never added twice, whatever order the customer's events arrive in.
/// </summary>
public sealed class CustomerContribution
{
    /// <summary>Event-time minutes in which the customer did anything (unique customers per minute).</summary>
    public HashSet<DateTimeOffset> ActiveMinutes { get; } = [];

    /// <summary>
    /// Per window length: merged runs of grid points [start, end) (ticks) where the customer counts as a visitor:
    /// they viewed the page or pledged in the window. A pledge is made on the campaign page, so a pledger is a visitor
    /// even when their page view fell before the window, arrived late or was lost; this keeps conversion ≤ 100 %.
    /// </summary>
    public Dictionary<int, List<(long Start, long End)>> VisitCoverage { get; } = [];

    /// <summary>Per window length: merged runs of grid points where the customer completed a pledge.</summary>
    public Dictionary<int, List<(long Start, long End)>> PledgeCoverage { get; } = [];

    /// <summary>Number of funnel steps reached (0 when the first step never happened).</summary>
    public int FunnelStepsReached { get; private set; }

    /// <summary>Source of the customer's first first-step event (the funnel's breakdown key).</summary>
    public string? FunnelSource { get; private set; }

    public CohortMembership? Cohort { get; private set; }

    public CartOutcome? Cart { get; private set; }

    /// <summary>Computes the contribution of a customer's events (any order; duplicates were removed by the log).</summary>
    public static CustomerContribution Compute(IEnumerable<HistoryEvent> history, MetricSettings settings)
    {
        var events = history.OrderBy(e => e.OccurredAt).ThenBy(e => e.Offset).ToList();
        var c = new CustomerContribution();
        foreach (var e in events)
        {
            c.ActiveMinutes.Add(EventTime.MinuteOf(e.OccurredAt));
        }

        var live = events.Where(e => e.ReceivedAt - e.OccurredAt <= settings.AllowedLateness).ToList();
        foreach (var w in MetricWindows.WindowSeconds)
        {
            c.VisitCoverage[w] = Coverage(live.Where(e => e.Type is EventTypes.PageView or EventTypes.PledgeCompleted), w);
            c.PledgeCoverage[w] = Coverage(live.Where(e => e.Type == EventTypes.PledgeCompleted), w);
        }

        c.ComputeFunnel(events, settings.Funnel);
        c.ComputeCohort(events);
        c.ComputeCart(events, settings.CartWindow);
        return c;
    }

    private static List<(long, long)> Coverage(IEnumerable<HistoryEvent> events, int windowSeconds)
    {
        var length = TimeSpan.FromSeconds(windowSeconds).Ticks;
        var runs = new List<(long Start, long End)>();
        foreach (var start in events.Select(e => MetricWindows.FirstPoint(e.OccurredAt.UtcTicks)).Order())
        {
            var end = start + length;
            if (runs.Count > 0 && start <= runs[^1].End)
            {
                runs[^1] = (runs[^1].Start, Math.Max(runs[^1].End, end));
            }
            else
            {
                runs.Add((start, end));
            }
        }
        return runs;
    }

    /// <summary>
    /// Longest chain of steps: an event of step k is reached when some reached event of step k−1 happened at
    /// or before it and at most the step's window earlier. Choosing the earliest candidate is not enough (a
    /// later cart can still lead to a checkout that the first cart is too old for), so every candidate counts.
    /// </summary>
    private void ComputeFunnel(List<HistoryEvent> events, FunnelDefinition funnel)
    {
        // Reached times per step, ascending (events are sorted), so "is there a reached previous step in
        // [t − window, t]" is one binary search: O(n log n) per customer instead of O(n²).
        var reached = events.Where(e => e.Type == funnel.Steps[0].Type).Select(e => e.OccurredAt.UtcTicks).ToList();
        if (reached.Count == 0)
        {
            return;
        }
        FunnelSource = events.First(e => e.Type == funnel.Steps[0].Type).Source;
        FunnelStepsReached = 1;
        for (var k = 1; k < funnel.Steps.Count; k++)
        {
            var window = TimeSpan.FromSeconds(funnel.Steps[k].WithinSeconds!.Value).Ticks;
            var previous = reached;
            reached = events
                .Where(e => e.Type == funnel.Steps[k].Type && HasReachedIn(previous, e.OccurredAt.UtcTicks - window, e.OccurredAt.UtcTicks))
                .Select(e => e.OccurredAt.UtcTicks)
                .ToList();
            if (reached.Count == 0)
            {
                return;
            }
            FunnelStepsReached = k + 1;
        }
    }

    /// <summary>Whether the ascending list holds a value in [from, to].</summary>
    private static bool HasReachedIn(List<long> ascending, long from, long to)
    {
        var i = ascending.BinarySearch(from);
        if (i < 0)
        {
            i = ~i;
        }
        return i < ascending.Count && ascending[i] <= to;
    }

    private void ComputeCohort(List<HistoryEvent> events)
    {
        var visits = events.Where(e => e.Type == EventTypes.PageView).ToList();
        if (visits.Count == 0)
        {
            return;
        }
        var first = visits[0];
        var back = visits.FirstOrDefault(v => v.SessionId != first.SessionId && v.OccurredAt > first.OccurredAt
                                              && v.OccurredAt - first.OccurredAt < TimeSpan.FromHours(24));
        var hour = new DateTimeOffset(first.OccurredAt.UtcTicks - first.OccurredAt.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        Cohort = new CohortMembership(hour, first.Source, back is null ? null : (int)((back.OccurredAt - first.OccurredAt).Ticks / TimeSpan.TicksPerHour));
    }

    private void ComputeCart(List<HistoryEvent> events, TimeSpan window)
    {
        var cart = events.FirstOrDefault(e => e.Type == EventTypes.CartCreated);
        if (cart is null)
        {
            return;
        }
        var pledge = events.FirstOrDefault(e => e.Type == EventTypes.PledgeCompleted && e.OccurredAt >= cart.OccurredAt);
        int? seconds = pledge is not null && pledge.OccurredAt - cart.OccurredAt <= window
            ? (int)((pledge.OccurredAt - cart.OccurredAt).Ticks / TimeSpan.TicksPerSecond)
            : null;
        Cart = new CartOutcome(EventTime.MinuteOf(cart.OccurredAt), seconds);
    }
}
