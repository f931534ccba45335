using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Metrics;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// The campaign funnel: a bar per step (stacked by source when asked), step conversion and drop-off. The chart is
/// created once; new figures replace its series in place.
/// </summary>
public partial class FunnelChart
{
    /// <summary>Most sources drawn separately; the rest are summed as "Other".</summary>
    public const int MaxSources = 6;

    private object _options = new { };
    private IReadOnlyList<object> _series = [];
    private IReadOnlyList<FunnelStepResult>? _drawn;
    private bool _bySource;
    private bool _drawnBySource;

    [Inject] public required DashboardFormatter Format { get; init; }

    [Parameter, EditorRequired] public required IReadOnlyList<FunnelStepResult> Steps { get; set; }

    [Parameter] public string ChartId { get; set; } = "campaign-funnel";

    [Parameter] public bool DarkMode { get; set; }

    /// <summary>The series drawn.</summary>
    public IReadOnlyList<BarSeries> DrawnSeries => _series.Cast<BarSeries>().ToList();

    protected override void OnInitialized() => _options = new
    {
        chart = new { type = "bar", stacked = true, toolbar = new { show = false }, animations = new { enabled = false } },
        plotOptions = new { bar = new { horizontal = true, barHeight = "70%", borderRadius = 3 } },
        dataLabels = new { enabled = false },
        legend = new { position = "top", showForSingleSeries = false },
        xaxis = new { categories = Steps.Select(s => Format.EventLabel(s.Type)).ToArray(), csFormat = "integer" },
        colors = new[] { "#8b8bff", "#2dd4bf", "#f59e0b", "#ef4444", "#22c55e", "#ec4899", "#94a3b8" },
        tooltip = new { shared = true, intersect = false },
    };

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(_drawn, Steps) && _drawnBySource == _bySource)
        {
            return;
        }
        (_drawn, _drawnBySource) = (Steps, _bySource);
        _series = Build(Steps, _bySource, Format.SourceLabel);
    }

    private void SetBySource(bool value)
    {
        _bySource = value;
        OnParametersSet();
    }

    /// <summary>One series (all customers) or one per top source plus "Other", each with a value per step.</summary>
    public static IReadOnlyList<object> Build(IReadOnlyList<FunnelStepResult> steps, bool bySource, Func<string, string>? label = null)
    {
        if (!bySource)
        {
            return [new BarSeries("Customers", steps.Select(s => (double)s.Customers).ToArray())];
        }
        var top = steps.Count == 0 ? [] : steps[0].BySource.OrderByDescending(kv => kv.Value).Take(MaxSources).Select(kv => kv.Key).ToList();
        var series = top.Select(source => (object)new BarSeries(label?.Invoke(source) ?? source,
            steps.Select(s => (double)s.BySource.GetValueOrDefault(source)).ToArray())).ToList();
        var other = steps.Select(s => (double)s.BySource.Where(kv => !top.Contains(kv.Key)).Sum(kv => kv.Value)).ToArray();
        if (other.Any(v => v > 0))
        {
            series.Add(new BarSeries("Other", other));
        }
        return series;
    }

    /// <summary>The pledge step when it directly follows the checkout step: its step conversion is the checkout → pledge conversion.</summary>
    private (FunnelStepResult Checkout, FunnelStepResult Pledge)? CheckoutToPledge =>
        Steps.Zip(Steps.Skip(1)).FirstOrDefault(p => p.First.Type == Pipeline.Events.EventTypes.CheckoutStarted
            && p.Second.Type == Pipeline.Events.EventTypes.PledgeCompleted) is ({ } checkout, { } pledge) ? (checkout, pledge) : null;

    private string AccessibleSummary => "Funnel: " + string.Join(", ",
        Steps.Select(s => $"{Format.EventLabel(s.Type)} {Format.Count(s.Customers)}"));
}
