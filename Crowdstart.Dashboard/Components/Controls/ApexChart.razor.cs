using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>One series of an <see cref="ApexChart"/>: points are [unix milliseconds, value].</summary>
/// <param name="Name">Legend name.</param>
/// <param name="Type">ApexCharts series type in a mixed chart: <c>column</c>, <c>line</c> or <c>area</c>.</param>
/// <param name="Data">Points as [x, y] pairs.</param>
public sealed record ChartSeries(string Name, string Type, IReadOnlyList<double[]> Data);

/// <summary>A series over the chart's <c>xaxis.categories</c> (bars, funnels, histograms): one value per category.</summary>
public sealed record BarSeries(string Name, IReadOnlyList<double> Data);

/// <summary>
/// A series of {x, y} points. Charts with a <see cref="RangeSeries"/> need their other series in this form: ApexCharts
/// leaves the band out of a chart whose lines are [x, y] pairs.
/// </summary>
public sealed record PointSeries(string Name, string Type, IReadOnlyList<ChartPoint> Data);

/// <summary>One point of a <see cref="PointSeries"/>.</summary>
public sealed record ChartPoint(double X, double Y);

/// <summary>A band (ApexCharts <c>rangeArea</c>) in a mixed chart: at each x, a low and a high value.</summary>
public sealed record RangeSeries(string Name, IReadOnlyList<RangePoint> Data)
{
    public string Type => "rangeArea";
}

/// <summary>One x of a <see cref="RangeSeries"/> with its [low, high].</summary>
public sealed record RangePoint(double X, double[] Y);

/// <summary>
/// A chart drawn by the npm <c>apexcharts</c> package. It is created once after the first interactive render,
/// then only its series are replaced in place (no re-creation, no flicker) when <see cref="Series"/> changes,
/// and it is destroyed with the component. A prerendered copy never touches JavaScript.
/// </summary>
public partial class ApexChart : ComponentBase, IAsyncDisposable
{
    private ElementReference _element;
    private IJSObjectReference? _module;
    private bool _created;
    private IReadOnlyList<object>? _pushedSeries;
    private bool _pushedDark;
    private double[]? _pushedRange;
    private string? _pushedJson;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Inject] public required IJSRuntime JS { get; init; }

    /// <summary>DOM id, also the ApexCharts chart id (<c>ApexCharts.getChartByID</c>).</summary>
    [Parameter, EditorRequired] public required string ChartId { get; set; }

    /// <summary>ApexCharts options without <c>series</c>; y-axes may carry <c>csFormat</c> (<c>currency:EUR</c>, <c>integer</c>).</summary>
    [Parameter, EditorRequired] public required object Options { get; set; }

    /// <summary>Series to draw (<see cref="ChartSeries"/> or <see cref="BarSeries"/>); pass a new list instance to update the chart.</summary>
    [Parameter] public IReadOnlyList<object> Series { get; set; } = [];

    /// <summary>
    /// Fixed x-axis range [min, max] (e.g. the selected time range), so sparse series are drawn where they belong
    /// instead of stretched; pass a new array to move it.
    /// </summary>
    [Parameter] public double[]? XRange { get; set; }

    /// <summary>What the chart shows, for screen readers (the canvas itself says nothing).</summary>
    [Parameter] public string? AriaLabel { get; set; }

    [Parameter] public bool DarkMode { get; set; }

    [Parameter] public int Height { get; set; } = 340;

    /// <summary>
    /// Least time between two redraws in the browser (ms; at least 1,000): a redraw rebuilds the whole chart, so small
    /// glyphs whose figure is shown beside them (sparklines) are redrawn less often. The newest series is always drawn.
    /// </summary>
    [Parameter] public int MinDrawIntervalMs { get; set; } = 1000;

    /// <summary>
    /// Keep the skeleton until the first series arrive. Multi-axis charts need it: ApexCharts lays out its y-axes
    /// from the series present at creation and does not redo it when series are added later.
    /// </summary>
    [Parameter] public bool WaitForSeries { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!RendererInfo.IsInteractive)
        {
            return;
        }
        if (!_created)
        {
            if (WaitForSeries && Series.Count == 0)
            {
                return;
            }
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Controls/ApexChart.razor.js");
            await _module.InvokeVoidAsync("create", _element, ChartId, Options, Series, DarkMode, XRange, MinDrawIntervalMs);
            _created = true;
            _pushedRange = XRange;
            _pushedSeries = Series;
            _pushedJson = JsonSerializer.Serialize(Series, Json);
            _pushedDark = DarkMode;
            StateHasChanged();
            return;
        }
        if (!ReferenceEquals(_pushedSeries, Series) || !ReferenceEquals(_pushedRange, XRange))
        {
            // A new list with the same points (most pushes, for most charts) is not sent: the browser would redraw the
            // whole chart for nothing.
            var json = JsonSerializer.Serialize(Series, Json);
            var rangeChanged = !ReferenceEquals(_pushedRange, XRange) && !(_pushedRange ?? []).SequenceEqual(XRange ?? []);
            _pushedSeries = Series;
            _pushedRange = XRange;
            if (json != _pushedJson || rangeChanged)
            {
                _pushedJson = json;
                await _module!.InvokeVoidAsync("updateSeries", ChartId, Series, rangeChanged ? XRange : null);
            }
        }
        if (_pushedDark != DarkMode)
        {
            _pushedDark = DarkMode;
            await _module!.InvokeVoidAsync("setDarkMode", ChartId, DarkMode);
        }
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_module is null)
        {
            return;
        }
        try
        {
            if (_created)
            {
                await _module.InvokeVoidAsync("destroy", ChartId);
            }
            await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone and the browser took the chart with it.
        }
    }
}
