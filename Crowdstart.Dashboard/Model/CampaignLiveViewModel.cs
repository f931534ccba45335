using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Metrics;

namespace Crowdstart.Dashboard.Model;

/// <summary>
/// State of the live campaign page: the latest <see cref="CampaignLiveView"/> and the chart series derived from it.
/// Options objects are built once per campaign and axis mode (charts are created once); series are rebuilt on
/// every view so the charts update in place.
/// </summary>
public sealed partial class CampaignLiveViewModel(CampaignAccess access, CurrentUser user, TimeProvider time)
{
    public bool Loaded { get; private set; }
    public CampaignInfo? Campaign { get; private set; }
    public CampaignLiveView? View { get; private set; }
    public MetricsSnapshot? Metrics => View?.Metrics;

    /// <summary>Revenue chart x-axis: clock time (false) or minutes since launch (true).</summary>
    public bool LaunchAnchored { get; private set; }

    public IReadOnlyList<object> RevenueSeries { get; private set; } = [];
    public IReadOnlyList<object> ConversionSeries { get; private set; } = [];
    public IReadOnlyList<object> HistogramSeries { get; private set; } = [];
    public IReadOnlyList<double[]> EarlyVelocitySpark { get; private set; } = [];
    public IReadOnlyList<double[]> ConversionSpark { get; private set; } = [];

    /// <summary>The conversion chart's x-axis: the selected range, as [from, to] in Unix milliseconds.</summary>
    public double[]? ConversionRange { get; private set; }
    public object RevenueOptions { get; private set; } = new { };
    public object ConversionOptions { get; private set; } = new { };
    public object HistogramOptions { get; private set; } = new { };

    public DateTimeOffset Now => View?.At ?? time.GetUtcNow();
    public TimeSpan SinceLaunch => Campaign is null ? TimeSpan.Zero : time.GetUtcNow() - Campaign.LaunchAt;
    public TimeSpan? TimeLeft => Campaign?.EndAt is { } end ? end - time.GetUtcNow() : null;
    /// <summary>The shown range starts at the launch because the campaign is younger than the range (1 h, 6 h, 24 h).</summary>
    public bool RangeStartsAtLaunch => View is { } v && Campaign is { } c && v.Range is not (LiveRange.Live or LiveRange.SinceLaunch)
        && v.From <= c.LaunchAt && c.LaunchAt <= v.At;

    public decimal NetPledged => View?.Metrics.Revenue.Net ?? 0;
    public double GoalProgress => View?.Metrics.Revenue.GoalProgress ?? 0;
    public long Pledges => View?.Metrics.Revenue.Pledges ?? 0;

    /// <summary>Checks access and loads the campaign; null <see cref="Campaign"/> = not found (or not the user's).</summary>
    public async Task LoadAsync(Guid campaignId, CancellationToken ct = default)
    {
        // Another campaign's figures must never show under this campaign's name while it loads.
        Loaded = false;
        Campaign = null;
        View = null;
        RevenueSeries = ConversionSeries = HistogramSeries = [];
        EarlyVelocitySpark = ConversionSpark = [];
        // The route is already guarded by policy; checking here too keeps the model safe wherever it is used.
        Campaign = await access.CanReadAsync(await user.RequireAsync(), campaignId, ct)
            ? await access.FindAsync(campaignId, ct)
            : null;
        BuildOptions();
        Loaded = true;
    }

    /// <summary>Whether the signed-in user holds a live data-access grant for the campaign.</summary>
    public async Task<bool> HasLiveGrantAsync(CancellationToken ct = default) =>
        Campaign is not null && await access.LiveGrantAsync(await user.RequireAsync(), Campaign.Id, ct) is not null;

    public void SetLaunchAnchored(bool value)
    {
        LaunchAnchored = value;
        BuildOptions();
        if (View is not null)
        {
            Apply(View);
        }
    }

    /// <summary>Takes a new view (ignored when it belongs to another campaign, e.g. after in-circuit navigation).</summary>
    /// <summary>
    /// A time as a clock axis's x value. A campaign with a time zone shows every time on its page in that zone: its
    /// charts get the zone's wall-clock time (each point shifted by the zone's offset at that moment, so a daylight-saving
    /// change shows as it does on a wall clock) drawn as UTC (<see cref="ClockInUtc"/>). Otherwise the instant, drawn in
    /// the browser's time.
    /// </summary>
    public double Clock(DateTimeOffset at) =>
        _zone is { } zone ? (at + zone.GetUtcOffset(at)).ToUnixTimeMilliseconds() : at.ToUnixTimeMilliseconds();

    /// <summary>The campaign's time zone, resolved once per load (<see cref="Clock"/> runs for every point of every push).</summary>
    private TimeZoneInfo? _zone;

    /// <summary>Whether clock axes draw their x values as UTC: see <see cref="Clock"/>.</summary>
    private bool ClockInUtc => _zone is not null;

    public void Apply(CampaignLiveView view)
    {
        if (Campaign is null || view.Campaign.Id != Campaign.Id)
        {
            return;
        }
        View = view;
        var launch = Campaign.LaunchAt;
        double X(DateTimeOffset at) => LaunchAnchored ? Math.Round((at - launch).TotalMinutes, 2) : Clock(at);

        var cumulative = view.NetBeforeRange;
        var running = new List<double[]>(view.Revenue.Count);
        foreach (var p in view.Revenue)
        {
            cumulative += p.Net;
            running.Add([X(p.At), (double)cumulative]);
        }
        var goal = (double)Campaign.GoalAmount;
        RevenueSeries =
        [
            new ChartSeries("Net pledged", "column", view.Revenue.Select(p => new[] { X(p.At), (double)p.Net }).ToArray()),
            new ChartSeries("Cumulative", "line", running),
            new ChartSeries("Goal", "line", running.Count == 0 ? [] : [[running[0][0], goal], [running[^1][0], goal]]),
        ];
        ConversionSeries = MetricWindows.WindowSeconds.Select(w => (object)new ChartSeries(WindowLabel(w), "line",
            view.Conversion[w].Where(p => p.Rate is not null).Select(p => new[] { Clock(p.At), Math.Round(p.Rate!.Value * 100, 2) }).ToArray())).ToList();
        var rangeStart = Clock(view.From);
        var rangeEnd = Clock(MetricWindows.LivePoint(view.At));
        if (ConversionRange is not [var a, var b] || a != rangeStart || b != rangeEnd)
        {
            ConversionRange = [rangeStart, rangeEnd];
        }
        HistogramSeries = [new BarSeries("Carts", view.Metrics.Carts.Histogram.Select(b => (double)b.Carts).ToArray())];
        EarlyVelocitySpark = Thin(view.EarlyVelocity.Where(p => p.At <= view.At).Select(p => new[] { Clock(p.At), (double)p.Cumulative }).ToArray(), SparkPoints);
        ConversionSpark = Thin(view.Conversion[300].Where(p => p.Rate is not null).Select(p => new[] { Clock(p.At), Math.Round(p.Rate!.Value * 100, 2) }).ToArray(), SparkPoints);
    }

    /// <summary>Most points of a tile's sparkline (a few hundred pixels wide): more are redrawn every second for nothing.</summary>
    public const int SparkPoints = 120;

    /// <summary>
    /// At most <paramref name="max"/> of the points, evenly spaced and counted back from the newest, which is always kept
    /// (it is the figure the tile shows); every point kept is an exact value at its time.
    /// </summary>
    public static IReadOnlyList<double[]> Thin(IReadOnlyList<double[]> points, int max)
    {
        if (points.Count <= max)
        {
            return points;
        }
        var step = (points.Count + max - 1) / max;
        var kept = new List<double[]>(max);
        for (var i = (points.Count - 1) % step; i < points.Count; i += step)
        {
            kept.Add(points[i]);
        }
        return kept;
    }

    /// <summary>The early-velocity pace: net revenue per hour over the part of the first 4 h that has passed.</summary>
    public decimal? EarlyVelocityPerHour
    {
        get
        {
            if (View is null || Campaign is null || SinceLaunch <= TimeSpan.Zero)
            {
                return null;
            }
            var hours = Math.Min(MetricsQuery.EarlyVelocityWindow.TotalHours, SinceLaunch.TotalHours);
            return hours < 1.0 / 60 ? null : View.Metrics.Revenue.EarlyVelocityNet / (decimal)hours;
        }
    }

    public WindowConversion Conversion(int windowSeconds) =>
        View?.Metrics.Conversion.FirstOrDefault(c => c.WindowSeconds == windowSeconds) ?? new WindowConversion(windowSeconds, 0, 0);

    public SocialAmplification? Social(int windowSeconds) => View?.Metrics.Social.FirstOrDefault(s => s.WindowSeconds == windowSeconds);

    public CheckoutHealth? Checkout(int windowSeconds) => View?.Metrics.Checkout.FirstOrDefault(s => s.WindowSeconds == windowSeconds);

    public static string WindowLabel(int seconds) => seconds >= 3600 ? $"{seconds / 3600} h" : $"{seconds / 60} min";

    /// <summary>Histogram bucket labels, e.g. "30 s–1 min", "≥ 1 h".</summary>
    public static string BucketLabel(HistogramBucket b)
    {
        static string S(int s) => s >= 3600 ? $"{s / 3600} h" : s >= 60 ? $"{s / 60} min" : $"{s} s";
        return b.ToSeconds is { } to ? $"{S(b.FromSeconds)}–{S(to)}" : $"≥ {S(b.FromSeconds)}";
    }

    private void BuildOptions()
    {
        _zone = Campaign?.TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
        var currency = Campaign?.Currency ?? "EUR";
        RevenueOptions = new
        {
            chart = new { type = "line", height = 320, animations = new { enabled = false }, toolbar = new { show = false }, zoom = new { enabled = false } },
            // The fourth series is the previous period's ghost (CampaignLiveViewModel.Comparisons.cs): thin, dotted, grey.
            stroke = new { width = new[] { 0, 3, 2, 1.5 }, curve = "straight", dashArray = new[] { 0, 0, 6, 3 } },
            dataLabels = new { enabled = false },
            legend = new { position = "top" },
            xaxis = LaunchAnchored
                ? (object)new { type = "numeric", csFormat = "since-launch", tickAmount = 8 }
                : new { type = "datetime", labels = new { datetimeUTC = ClockInUtc } },
            yaxis = new object[]
            {
                // No floor at zero: a minute where refunds outweigh pledges is negative.
                new { seriesName = new[] { "Net pledged", PreviousPeriodSeries }, title = new { text = "Per interval" }, csFormat = "currency:" + currency, forceNiceScale = true },
                // Cumulative and goal share one scale, so the goal line sits where the campaign really meets its goal.
                new { seriesName = new[] { "Cumulative", "Goal" }, opposite = true, title = new { text = "Cumulative" }, min = 0, csFormat = "currency:" + currency },
            },
            tooltip = new { shared = true, x = new { format = "dd MMM HH:mm" } },
            colors = new[] { "#8b8bff", "#2dd4bf", "#f59e0b", "#94a3b8" },
            noData = new { text = "No pledges in this range yet" },
        };
        ConversionOptions = new
        {
            chart = new { type = "line", height = 280, animations = new { enabled = false }, toolbar = new { show = false }, zoom = new { enabled = false } },
            // The fourth series is the previous period's 5-min line (CampaignLiveViewModel.Comparisons.cs): thin, dotted, grey.
            stroke = new { width = new[] { 1.5, 2.5, 3, 1.5 }, curve = "straight", dashArray = new[] { 0, 0, 0, 3 } },
            dataLabels = new { enabled = false },
            legend = new { position = "top" },
            xaxis = new { type = "datetime", labels = new { datetimeUTC = ClockInUtc } },
            yaxis = new { min = 0, csFormat = "percent", title = new { text = "Visitors who pledged" } },
            tooltip = new { shared = true, x = new { format = "dd MMM HH:mm:ss" } },
            colors = new[] { "#94a3b8", "#8b8bff", "#2dd4bf", "#64748b" },
            noData = new { text = "No visitors in this range yet" },
        };
        HistogramOptions = new
        {
            chart = new { type = "bar", height = 240, animations = new { enabled = false }, toolbar = new { show = false } },
            plotOptions = new { bar = new { borderRadius = 3, columnWidth = "70%" } },
            dataLabels = new { enabled = false },
            xaxis = new { categories = MetricsQuery.HistogramEdges.Select(e => BucketLabel(new HistogramBucket(e.From, e.To, 0))).ToArray(), title = new { text = "Cart created → pledge" } },
            yaxis = new { min = 0, csFormat = "integer", title = new { text = "Carts" } },
            colors = new[] { "#8b8bff" },
        };
    }
}
