using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;

namespace Crowdstart.Dashboard.Model;

/// <summary>State of the live campaign page: last-hour minute series, KPIs and chart series.</summary>
public sealed class CampaignLiveViewModel(CampaignStore campaigns, CampaignAccess access, CurrentUser user, RollupQueries rollups,
    IMetricsQuery metrics, TimeProvider time)
{
    /// <summary>Width of the live chart.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(60);

    public bool Loaded { get; private set; }
    public Campaign? Campaign { get; private set; }
    public IReadOnlyList<MinutePoint> Minutes { get; private set; } = [];
    public CampaignTotals? Totals { get; private set; }
    public IReadOnlyList<ChartSeries> ChartSeries { get; private set; } = [];
    public DateTimeOffset? LastUpdate { get; private set; }
    public MetricsSnapshot? Metrics { get; private set; }

    public long EventsLastHour => Minutes.Sum(m => m.Events);
    public long PageViewsLastHour => Minutes.Sum(m => m.PageViews);
    public long PledgesLastHour => Minutes.Sum(m => m.PledgesCompleted);
    public decimal NetRevenueLastHour => Minutes.Sum(m => m.PledgedAmount - m.RefundedAmount);
    public decimal NetPledged => Totals?.NetPledged ?? 0;
    public double GoalProgress => Campaign is { GoalAmount: > 0 } c ? (double)(NetPledged / c.GoalAmount) : 0;
    public TimeSpan SinceLaunch => Campaign is null ? TimeSpan.Zero : time.GetUtcNow() - Campaign.LaunchAt;

    public async Task LoadAsync(Guid campaignId, CancellationToken ct = default)
    {
        // Another campaign's figures must never show under this campaign's name while it loads.
        Loaded = false;
        Minutes = [];
        Totals = null;
        Metrics = null;
        ChartSeries = [];
        // The route is already guarded by policy; checking here too keeps the model safe wherever it is used.
        Campaign = await access.CanReadAsync(await user.RequireAsync(), campaignId, ct)
            ? await campaigns.FindCampaignAsync(campaignId, ct)
            : null;
        if (Campaign is not null)
        {
            await RefreshAsync(ct);
        }
        Loaded = true;
    }

    /// <summary>Re-reads the pre-computed rollups (cheap: at most 60 minutes × partitions rows).</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        if (Campaign is null)
        {
            return;
        }
        var now = time.GetUtcNow();
        // Sixty whole minutes ending with the current (partial) one.
        var current = MinuteAggregator.MinuteOf(now);
        Minutes = await rollups.GetMinuteSeriesAsync(Campaign.Id, current - Window + TimeSpan.FromMinutes(1), current.AddMinutes(1), ct);
        Totals = await rollups.GetTotalsAsync(Campaign.Id, ct);
        Metrics = await metrics.GetSnapshotAsync(Campaign.Id, now, ct);
        ChartSeries =
        [
            new("Events / min", "column", Minutes.Select(m => new[] { (double)m.Minute.ToUnixTimeMilliseconds(), m.Events }).ToArray()),
            new($"Pledged / min ({Campaign.Currency})", "line",
                Minutes.Select(m => new[] { (double)m.Minute.ToUnixTimeMilliseconds(), (double)(m.PledgedAmount - m.RefundedAmount) }).ToArray()),
        ];
        LastUpdate = now;
    }

    /// <summary>ApexCharts options for the activity chart (series come separately).</summary>
    public object ChartOptions => new
    {
        chart = new { type = "line", height = 340, animations = new { enabled = false }, toolbar = new { show = false }, zoom = new { enabled = false } },
        stroke = new { width = new[] { 0, 3 }, curve = "straight" },
        dataLabels = new { enabled = false },
        legend = new { position = "top" },
        xaxis = new { type = "datetime", labels = new { datetimeUTC = false, format = "HH:mm" } },
        yaxis = new object[]
        {
            new { title = new { text = "Events / min" }, min = 0, csFormat = "integer" },
            new { opposite = true, title = new { text = "Pledged / min" }, min = 0, csFormat = "currency:" + (Campaign?.Currency ?? "EUR") },
        },
        tooltip = new { shared = true, x = new { format = "HH:mm" } },
        colors = new[] { "#7c7cf5", "#2dd4bf" },
        noData = new { text = "Waiting for events…" },
    };
}
