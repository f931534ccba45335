using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>One headline figure: label, formatted value, optional trend, hint and sparkline.</summary>
public partial class KpiTile
{
    /// <summary>What the number is.</summary>
    [Parameter, EditorRequired] public required string Label { get; set; }

    /// <summary>Formatted value; null shows a skeleton.</summary>
    [Parameter] public string? Value { get; set; }

    /// <summary>Context under the value (e.g. the other windows).</summary>
    [Parameter] public string? Hint { get; set; }

    /// <summary>What the figure means (from <see cref="Model.MetricDefinitions"/>): the tile's tooltip, also read by screen readers.</summary>
    [Parameter] public string? Definition { get; set; }

    /// <summary>A line under the value saying what <see cref="Trend"/> compares with, or why there is nothing to compare.</summary>
    [Parameter] public string? Comparison { get; set; }

    /// <summary>A short change next to the value, labelled relative or in points: "▲ 12 %", "▼ 1.5 pp"; <see cref="TrendUp"/> colours it.</summary>
    [Parameter] public string? Trend { get; set; }

    /// <summary>True for good news, false for bad, null for neutral.</summary>
    [Parameter] public bool? TrendUp { get; set; }

    [Parameter] public string? Icon { get; set; }

    [Parameter] public Color IconColor { get; set; } = Color.Default;

    /// <summary>Recent values as [x, y] points; drawn under the figure when set.</summary>
    [Parameter] public IReadOnlyList<double[]>? Sparkline { get; set; }

    /// <summary>DOM id of the sparkline chart (required with <see cref="Sparkline"/>).</summary>
    [Parameter] public string? SparklineId { get; set; }

    /// <summary>Tooltip format of the sparkline (<c>percent</c>, <c>currency:EUR</c>, <c>integer</c>).</summary>
    [Parameter] public string? SparklineFormat { get; set; }

    [Parameter] public bool DarkMode { get; set; }

    [Parameter] public string? TestId { get; set; }

    private string AccessibleText => Value is null ? $"{Label}: loading" : string.Join(". ",
        new[] { $"{Label}: {Value}", Trend, Comparison, Hint }.Where(x => !string.IsNullOrEmpty(x)));
}
