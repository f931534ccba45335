using System.Globalization;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Metrics;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>Hourly first-visit cohorts as a heatmap: size, 24 h return rate, and first returns by hour since the visit.</summary>
public partial class CohortGrid
{
    /// <summary>Most cohorts shown (newest first).</summary>
    public const int MaxRows = 24;

    [Inject] public required DashboardFormatter Format { get; init; }

    [Parameter, EditorRequired] public required IReadOnlyList<CohortRow> Rows { get; set; }

    /// <summary>"Now", to leave hours that have not happened yet blank.</summary>
    [Parameter, EditorRequired] public required DateTimeOffset Now { get; set; }

    /// <summary>Viewer's offset from UTC for the hour labels.</summary>
    [Parameter] public TimeSpan Offset { get; set; }

    private IEnumerable<CohortRow> VisibleRows => Rows.OrderByDescending(r => r.Hour).Take(MaxRows);

    /// <summary>Text, colour and description of one cell.</summary>
    public static (string Text, string Style, string Title) Cell(CohortRow row, int hour, DateTimeOffset now)
    {
        if (row.Hour.AddHours(hour) > now)
        {
            return ("", "", $"+{hour} h: not yet");
        }
        var returns = hour < row.FirstReturnsByHour.Count ? row.FirstReturnsByHour[hour] : 0;
        var share = row.Customers == 0 ? 0 : (double)returns / row.Customers;
        // Square root stretches the small shares that carry most of the information.
        var alpha = returns == 0 ? 0.04 : 0.15 + 0.85 * Math.Min(1, Math.Sqrt(share / 0.25));
        var style = $"background: rgba(45, 212, 191, {alpha.ToString("0.00", CultureInfo.InvariantCulture)})" + (alpha > 0.6 ? "; color: #0b1020" : "");
        var text = returns == 0 ? "" : (share * 100).ToString(share < 0.1 ? "0.#" : "0", CultureInfo.InvariantCulture);
        return (text, style, $"+{hour} h: {returns} of {row.Customers} returned ({(share * 100).ToString("0.#", CultureInfo.InvariantCulture)} %)");
    }

    private (string Text, string Style, string Title) Cell(CohortRow row, int hour) => Cell(row, hour, Now);
}
