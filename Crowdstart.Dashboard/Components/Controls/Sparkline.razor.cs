using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>A small trend line without axes (tiles, overview cards); updates in place like every chart.</summary>
public partial class Sparkline
{
    /// <summary>
    /// A sparkline is redrawn at most every 5 s: each redraw of even a small ApexCharts chart costs 30–50 ms of the
    /// browser's main thread (most of what was left of the 24 h page's budget), and the tile shows the live figure.
    /// </summary>
    public const int SparklineDrawIntervalMs = 5000;

    private object _options = new { };
    private IReadOnlyList<object> _series = [];
    private IReadOnlyList<double[]>? _points;

    [Parameter, EditorRequired] public required string ChartId { get; set; }

    /// <summary>[x, y] points; a new instance redraws the line.</summary>
    [Parameter, EditorRequired] public required IReadOnlyList<double[]> Points { get; set; }

    /// <summary>Tooltip value format (see <see cref="ApexChart"/> <c>csFormat</c>).</summary>
    [Parameter] public string? Format { get; set; }

    [Parameter] public string Color { get; set; } = "#2dd4bf";

    [Parameter] public int Height { get; set; } = 44;

    [Parameter] public bool DarkMode { get; set; }

    [Parameter] public string? AriaLabel { get; set; }

    protected override void OnInitialized() => _options = new
    {
        chart = new { type = "area", sparkline = new { enabled = true }, animations = new { enabled = false } },
        stroke = new { width = 2, curve = "straight" },
        fill = new { opacity = 0.25, type = "solid" },
        colors = new[] { Color },
        xaxis = new { type = "datetime" },
        yaxis = new { min = 0, csFormat = Format },
        tooltip = new { enabled = true, x = new { show = false } },
    };

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_points, Points))
        {
            _points = Points;
            _series = [new ChartSeries("value", "area", Points)];
        }
    }
}
