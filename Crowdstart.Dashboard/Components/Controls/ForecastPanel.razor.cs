using System.Globalization;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Forecast;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// Where the campaign is heading (<see cref="ForecastView"/>): projected final total with its 80 % range, the chance of
/// reaching the goal, the projected day, a chart of the money so far with the projection to the end date, how the
/// chance moved, and the sentences that explain it. Since launch, whatever range the rest of the page shows.
/// </summary>
public partial class ForecastPanel
{
    private object _chartOptions = new { };
    private IReadOnlyList<object> _chartSeries = [];
    private IReadOnlyList<double[]> _chanceSpark = [];
    private ForecastView? _built;
    private Guid? _optionsFor;

    /// <summary>The campaign (goal, launch, end date, currency).</summary>
    [Parameter, EditorRequired] public required CampaignInfo Campaign { get; set; }

    /// <summary>The forecast; null while loading.</summary>
    [Parameter] public ForecastView? View { get; set; }

    [Parameter] public DateTimeOffset Now { get; set; }

    [Parameter] public TimeSpan Offset { get; set; }

    [Parameter] public bool DarkMode { get; set; }

    [Inject] public required DashboardFormatter Format { get; init; }

    private CampaignForecast? Latest => View?.Latest;

    protected override void OnParametersSet()
    {
        if (_optionsFor != Campaign.Id)
        {
            _optionsFor = Campaign.Id;
            _chartOptions = ChartOptions(Campaign);
        }
        if (!ReferenceEquals(_built, View))
        {
            _built = View;
            (_chartSeries, _chanceSpark) = View is { Latest: { } latest } view ? Series(Campaign, view, latest) : ([], []);
        }
    }

    /// <summary>A chance as people read it: never "0 %" or "100 %" for something not yet decided.</summary>
    public static string Chance(CampaignForecast forecast) => forecast.Status == ForecastStatus.Funded
        ? "funded"
        : forecast.Probability switch
        {
            < 0.01 => "< 1 %",
            > 0.99 => "> 99 %",
            var p => (p * 100).ToString("0", CultureInfo.InvariantCulture) + " %",
        };

    public static string StatusText(ForecastStatus status) => status switch
    {
        ForecastStatus.Funded => "Already funded",
        ForecastStatus.OnTrack => "On track",
        _ => "At risk",
    };

    private static Color StatusColor(ForecastStatus status) => status switch
    {
        ForecastStatus.Funded => Color.Success,
        ForecastStatus.OnTrack => Color.Info,
        _ => Color.Warning,
    };

    private string GoalDay(CampaignForecast f) => f.Status == ForecastStatus.Funded
        ? "reached"
        : f.GoalReachedAt is { } at ? at.ToOffset(Offset).ToString("ddd d MMM", CultureInfo.InvariantCulture) : "not projected";

    private static double Days(DateTimeOffset at, DateTimeOffset launch) => Math.Round((at - launch).TotalDays, 3);

    /// <summary>
    /// Pledged so far (from the kept forecasts, hour by hour, and now), the projection from now to the end date with its
    /// 80 % range as a band that widens towards the end, and the goal; x is days since launch.
    /// </summary>
    private static (IReadOnlyList<object>, IReadOnlyList<double[]>) Series(CampaignInfo campaign, ForecastView view, CampaignForecast latest)
    {
        var launch = campaign.LaunchAt;
        var end = campaign.EndAt ?? latest.AsOf;
        var pledged = view.History.Where(h => h.At < latest.AsOf).Select(h => new ChartPoint(Days(h.At, launch), (double)h.Pledged))
            .Prepend(new ChartPoint(0, 0)).Append(new ChartPoint(Days(latest.AsOf, launch), (double)latest.Pledged)).ToList();
        var now = Days(latest.AsOf, launch);
        var last = Days(end, launch);
        var goal = (double)campaign.GoalAmount;
        IReadOnlyList<object> series =
        [
            new PointSeries("Pledged so far", "line", pledged),
            new RangeSeries("80 % range", [new RangePoint(now, [(double)latest.Pledged, (double)latest.Pledged]), new RangePoint(last, [(double)latest.Low, (double)latest.High])]),
            new PointSeries("Projection", "line", [new ChartPoint(now, (double)latest.Pledged), new ChartPoint(last, (double)latest.ProjectedTotal)]),
            new PointSeries("Goal", "line", [new ChartPoint(0, goal), new ChartPoint(last, goal)]),
        ];
        var chance = view.History.Where(h => h.At < latest.AsOf).Select(h => new[] { (double)h.At.ToUnixTimeMilliseconds(), Math.Round(h.Probability * 100, 1) })
            .Append(new[] { (double)latest.AsOf.ToUnixTimeMilliseconds(), Math.Round(latest.Probability * 100, 1) }).ToList();
        return (series, chance);
    }

    private static object ChartOptions(CampaignInfo campaign) => new
    {
        // A range-area chart with line series in it: ApexCharts draws the band only when the chart itself is of that type.
        chart = new { type = "rangeArea", height = 260, animations = new { enabled = false }, toolbar = new { show = false }, zoom = new { enabled = false } },
        stroke = new { width = new[] { 3, 0, 2, 2 }, curve = "straight", dashArray = new[] { 0, 0, 6, 4 } },
        fill = new { opacity = new[] { 1, 0.22, 1, 1 } },
        dataLabels = new { enabled = false },
        legend = new { position = "top" },
        xaxis = new
        {
            type = "numeric", min = 0, max = campaign.EndAt is { } end ? Math.Ceiling((end - campaign.LaunchAt).TotalDays) : (double?)null,
            // A tick a day for short campaigns, a tick every few days for long ones: whole days either way.
            tickAmount = campaign.EndAt is { } e ? (int)Math.Min(10, Math.Ceiling((e - campaign.LaunchAt).TotalDays)) : 6,
            csFormat = "days-since-launch", title = new { text = "Days since launch" },
        },
        yaxis = new { min = 0, forceNiceScale = true, csFormat = "currency:" + campaign.Currency, title = new { text = "Net pledged" } },
        tooltip = new { shared = true },
        colors = new[] { "#2dd4bf", "#8b8bff", "#8b8bff", "#f59e0b" },
        noData = new { text = "No forecast yet" },
    };
}
