using System.Collections.Concurrent;
using System.Diagnostics;
using Crowdstart.Dashboard.Model;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Recommendations;
using Crowdstart.Pipeline.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Dashboard.Services;

/// <summary>
/// The single source of live campaign views. Per (campaign, range) watched by anyone, one topic follows the
/// pipeline's change feed (throttled at the source) and a slide timer (windows move with time even when no event
/// arrives), computes the <see cref="CampaignLiveView"/> once and hands it to every subscriber. Each subscriber
/// has its own mailbox: deliveries never overlap and a slow subscriber only ever gets the newest view.
/// Callers check access before subscribing; the source itself trusts its caller.
/// </summary>
public sealed class CampaignLiveSource(
    CampaignAccess campaigns,
    IMetricsQuery metrics,
    EventFeedQueries feed,
    CampaignChangeFeed changes,
    IOptions<ProcessingOptions> processing,
    TimeProvider time,
    ILogger<CampaignLiveSource> logger,
    ForecastQuery? forecasts = null,
    RecommendationService? recommendations = null,
    ComparisonQuery? comparisons = null)
{
    /// <summary>Windowed figures slide with time: recomputed at least this often while watched.</summary>
    public static readonly TimeSpan SlideInterval = TimeSpan.FromSeconds(5);

    /// <summary>Rows of the live event feed.</summary>
    public const int FeedRows = 25;

    /// <summary>
    /// Most points of a conversion series on the page: about one per 2–3 pixels of a wide chart. More is not seen, only
    /// sent and drawn (a 24 h range at the 10 s grid was 3 × 1,728 points redrawn on every push).
    /// </summary>
    public const int ChartPoints = 360;

    private readonly ConcurrentDictionary<(Guid, LiveRange), Topic> _topics = new();
    private readonly object _gate = new();
    private readonly TimeSpan _throttle = TimeSpan.FromMilliseconds(Math.Max(0, processing.Value.NotifyThrottleMilliseconds));
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private readonly CampaignChangeFeed _changes = changes;

    /// <summary>Topics currently computed (for diagnostics and tests).</summary>
    public int ActiveTopics => _topics.Count;

    /// <summary>
    /// Calls <paramref name="onView"/> with the current view (at once when one is known), then after every change,
    /// at most once per throttle interval. Dispose the result to stop.
    /// </summary>
    public IDisposable Subscribe(Guid campaignId, LiveRange range, Func<CampaignLiveView, Task> onView)
    {
        lock (_gate)
        {
            var topic = _topics.GetOrAdd((campaignId, range), key => new Topic(this, key.Item1, key.Item2));
            return topic.Add(onView);
        }
    }

    /// <summary>Computes a view without subscribing (first paint, API).</summary>
    public async Task<CampaignLiveView?> ComputeAsync(Guid campaignId, LiveRange range, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var campaign = await campaigns.FindAsync(campaignId, ct);
        if (campaign is null)
        {
            return null;
        }
        var now = _time.GetUtcNow();
        var (from, hourly) = range.Resolve(now, campaign.LaunchAt);
        // The reads are independent and each waits on the database: run them side by side, so the first paint costs
        // the slowest read, not the sum of them.
        var snapshotTask = metrics.GetSnapshotAsync(campaignId, now, ct);
        var revenueTask = metrics.GetRevenueSeriesAsync(campaignId, from, now, hourly, ct);
        var earlyTask = metrics.GetEarlyVelocityAsync(campaignId, ct);
        // Up to the live grid point, so the last point is the figure the tiles show; thinned to what a chart can show
        // (each point still the exact window value at its time).
        var conversionStep = MetricsQuery.StepSecondsFor(from, MetricWindows.LivePoint(now), ChartPoints);
        var conversionTasks = MetricWindows.WindowSeconds.ToDictionary(w => w,
            w => ConversionSeriesAsync(campaignId, w, from, MetricWindows.LivePoint(now), conversionStep, ct));
        var feedTask = feed.RecentAsync(campaignId, FeedRows, ct);
        var forecastTask = forecasts is null ? Task.FromResult<ForecastView?>(null) : forecasts.GetAsync(campaignId, ct);
        var previousTask = comparisons is null ? Task.FromResult<PreviousPeriod?>(null) : comparisons.GetPreviousPeriodAsync(campaignId, now, ct);
        var previousRevenueTask = PreviousRevenueAsync(campaign, range, from, now, hourly, ct);
        var previousConversionTask = PreviousConversionAsync(campaign, range, from, now, conversionStep, ct);
        await Task.WhenAll([snapshotTask, revenueTask, earlyTask, feedTask, forecastTask, previousTask, previousRevenueTask, previousConversionTask,
            .. conversionTasks.Values]);
        if (await snapshotTask is not { } snapshot)
        {
            return null;
        }
        // From the snapshot, not a second query: a header and a funnel read a moment apart could disagree.
        var totals = new CampaignTotals(campaignId, snapshot.Events, snapshot.Revenue.Pledges, snapshot.Revenue.Pledged, snapshot.Revenue.Refunded);
        var revenue = await revenueTask;
        var early = await earlyTask;
        var conversion = new Dictionary<int, IReadOnlyList<ConversionPoint>>();
        foreach (var (window, task) in conversionTasks)
        {
            conversion[window] = await task;
        }
        var rows = await feedTask;
        // The cumulative line is anchored on everything pledged before the range, so it meets the goal line where
        // the campaign really reaches its goal.
        var before = snapshot.Revenue.Net - revenue.Sum(p => p.Net);
        var forecast = await forecastTask;
        var (advice, adviceFailed) = await RecommendationsAsync(campaign, snapshot, forecast, ct);
        return new CampaignLiveView(campaign, range, now, from, hourly, snapshot, totals, revenue, before, early, conversion, rows,
            Stopwatch.GetElapsedTime(started))
        {
            Forecast = forecast, Recommendations = advice, RecommendationsFailed = adviceFailed,
            Previous = await previousTask, PreviousRevenue = await previousRevenueTask, PreviousConversion = await previousConversionTask,
        };
    }

    private async Task<IReadOnlyList<ConversionPoint>> ConversionSeriesAsync(Guid campaignId, int window, DateTimeOffset from, DateTimeOffset to, int stepSeconds,
        CancellationToken ct) =>
        (await metrics.GetConversionTrendsAsync([campaignId], window, from, to, stepSeconds, ct))[campaignId];

    /// <summary>
    /// The revenue series of the equal-length range just before this one (the charts' ghost series), in whole intervals;
    /// null when that range would start before the launch minute, or the range is "since launch" (nothing before it).
    /// </summary>
    private async Task<IReadOnlyList<RevenuePoint>?> PreviousRevenueAsync(CampaignInfo campaign, LiveRange range, DateTimeOffset from,
        DateTimeOffset now, bool hourly, CancellationToken ct)
    {
        var step = hourly ? TimeSpan.TicksPerHour : TimeSpan.TicksPerMinute;
        var start = (from - (now - from)).UtcTicks;
        var previousFrom = new DateTimeOffset(start - start % step, TimeSpan.Zero);
        if (comparisons is null || range == LiveRange.SinceLaunch || previousFrom < Pipeline.Events.EventTime.MinuteOf(campaign.LaunchAt))
        {
            return null;
        }
        return await metrics.GetRevenueSeriesAsync(campaign.Id, previousFrom, from, hourly, ct);
    }

    /// <summary>
    /// The 5-min visit → pledge conversion over the equal-length range just before this one (the conversion chart's ghost
    /// series); null under the same conditions as <see cref="PreviousRevenueAsync"/>.
    /// </summary>
    private async Task<IReadOnlyList<ConversionPoint>?> PreviousConversionAsync(CampaignInfo campaign, LiveRange range, DateTimeOffset from,
        DateTimeOffset now, int stepSeconds, CancellationToken ct)
    {
        var span = MetricWindows.LivePoint(now) - from;
        if (comparisons is null || range == LiveRange.SinceLaunch || from - span < campaign.LaunchAt)
        {
            return null;
        }
        // Thinned on the live lines' step, so the ghost costs the browser no more than the line it shadows.
        return await ConversionSeriesAsync(campaign.Id, PreviousConversionWindow, from - span, from, stepSeconds, ct);
    }

    /// <summary>The conversion window whose previous period the conversion chart draws.</summary>
    public const int PreviousConversionWindow = 300;

    /// <summary>
    /// The recommendations from the snapshot and forecast just read (their own raw-event reads are cached for 30 s). A
    /// failure there marks only them as unavailable: the figures of the page stay live.
    /// </summary>
    private async Task<(IReadOnlyList<Recommendation>?, bool Failed)> RecommendationsAsync(CampaignInfo campaign, MetricsSnapshot snapshot,
        ForecastView? forecast, CancellationToken ct)
    {
        if (recommendations is null)
        {
            return (null, false);
        }
        try
        {
            var latest = forecast is { Availability: ForecastAvailability.Available } ? forecast.Latest : null;
            return (await recommendations.ForAsync(campaign, snapshot, latest, ct), false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Recommendations of campaign {Campaign} could not be computed", campaign.Id);
            return (null, true);
        }
    }

    /// <summary>
    /// Dismisses a recommendation of the campaign (access checked and audited by <see cref="RecommendationService"/>), then
    /// recomputes the campaign's views at once, so every page watching it here drops the card (other instances' pages
    /// within their next slide, <see cref="SlideInterval"/>).
    /// </summary>
    public async Task<Dismissal> DismissRecommendationAsync(Actor actor, Guid campaignId, string ruleKey, CancellationToken ct = default)
    {
        if (recommendations is null)
        {
            throw new NotFoundException("Recommendations are not available on this instance.");
        }
        var dismissal = await recommendations.DismissAsync(actor, campaignId, ruleKey, ct);
        foreach (var topic in _topics.Values.Where(t => t.CampaignId == campaignId))
        {
            topic.Refresh();
        }
        return dismissal;
    }

    private void Remove(Topic topic)
    {
        lock (_gate)
        {
            if (topic.IsEmpty)
            {
                _topics.TryRemove(new KeyValuePair<(Guid, LiveRange), Topic>((topic.CampaignId, topic.Range), topic));
                topic.Stop();
            }
        }
    }

    /// <summary>One watched (campaign, range): computes views and fans them out.</summary>
    private sealed class Topic
    {
        private readonly CampaignLiveSource _source;
        private readonly ThrottledRunner _compute;
        private readonly IDisposable _changes;
        private readonly ITimer _slide;
        private Subscriber[] _subscribers = [];
        private CampaignLiveView? _latest;

        public Topic(CampaignLiveSource source, Guid campaignId, LiveRange range)
        {
            (_source, CampaignId, Range) = (source, campaignId, range);
            _compute = new ThrottledRunner(ComputeAsync, source._throttle, source._time, source._logger);
            _changes = source._changes.Subscribe(campaignId, () =>
            {
                _compute.Request();
                return Task.CompletedTask;
            });
            _slide = source._time.CreateTimer(_ => _compute.Request(), null, SlideInterval, SlideInterval);
            _compute.Request();
        }

        public Guid CampaignId { get; }
        public LiveRange Range { get; }
        public bool IsEmpty => Volatile.Read(ref _subscribers).Length == 0;

        public IDisposable Add(Func<CampaignLiveView, Task> onView)
        {
            var subscriber = new Subscriber(this, onView);
            _subscribers = [.. _subscribers, subscriber];
            if (Volatile.Read(ref _latest) is { } latest)
            {
                subscriber.Offer(latest);
            }
            return subscriber;
        }

        private async Task ComputeAsync()
        {
            CampaignLiveView? view;
            try
            {
                view = await _source.ComputeAsync(CampaignId, Range);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                _source._logger.LogWarning(ex, "Live view of campaign {Campaign} could not be refreshed", CampaignId);
                // Watchers keep the last good figures, marked as stale, instead of silently frozen numbers.
                view = Volatile.Read(ref _latest) is { } last
                    ? last with { Problem = $"Live figures could not be refreshed since {last.At:HH:mm:ss} UTC; retrying." }
                    : null;
                if (view is null)
                {
                    return;
                }
                foreach (var s in Volatile.Read(ref _subscribers))
                {
                    s.Offer(view);
                }
                return;
            }
            if (view is null)
            {
                return;
            }
            Volatile.Write(ref _latest, view);
            foreach (var s in Volatile.Read(ref _subscribers))
            {
                s.Offer(view);
            }
        }

        /// <summary>Recomputes now (throttled like a change).</summary>
        public void Refresh() => _compute.Request();

        public void Remove(Subscriber subscriber)
        {
            lock (_source._gate)
            {
                _subscribers = _subscribers.Where(s => s != subscriber).ToArray();
            }
            _source.Remove(this);
        }

        public void Stop()
        {
            _slide.Dispose();
            _changes.Dispose();
            _compute.Dispose();
        }

        /// <summary>A subscriber's mailbox: holds only the newest undelivered view.</summary>
        public sealed class Subscriber : IDisposable
        {
            private readonly Topic _topic;
            private readonly ThrottledRunner _deliver;
            private CampaignLiveView? _pending;
            private int _disposed;

            public Subscriber(Topic topic, Func<CampaignLiveView, Task> onView)
            {
                _topic = topic;
                _deliver = new ThrottledRunner(() => Interlocked.Exchange(ref _pending, null) is { } view ? onView(view) : Task.CompletedTask,
                    TimeSpan.Zero, topic._source._time, topic._source._logger);
            }

            public void Offer(CampaignLiveView view)
            {
                Volatile.Write(ref _pending, view);
                _deliver.Request();
            }

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    _deliver.Dispose();
                    _topic.Remove(this);
                }
            }
        }
    }
}
