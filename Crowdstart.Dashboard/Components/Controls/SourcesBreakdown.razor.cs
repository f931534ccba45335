using System.Globalization;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Metrics;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>One acquisition source: unique visitors it brought (first touch), how many completed the funnel.</summary>
public sealed record SourceRow(string Source, long Visitors, long Pledgers)
{
    public double? Conversion => Visitors == 0 ? null : (double)Pledgers / Visitors;
}

/// <summary>Where visitors come from (social networks, direct, search, e-mail, referrals) and how each converts.</summary>
public partial class SourcesBreakdown
{
    [Inject] public required DashboardFormatter Format { get; init; }

    /// <summary>The funnel: its first step gives visitors per source, its last step the customers who completed it, per source.</summary>
    [Parameter, EditorRequired] public required IReadOnlyList<FunnelStepResult> Funnel { get; set; }

    private IReadOnlyList<SourceRow> Rows => Build(Funnel);

    /// <summary>Sources by visitors, with the customers who completed the funnel among them.</summary>
    public static IReadOnlyList<SourceRow> Build(IReadOnlyList<FunnelStepResult> funnel) => funnel.Count == 0
        ? []
        : funnel[0].BySource.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new SourceRow(kv.Key, kv.Value, funnel[^1].BySource.GetValueOrDefault(kv.Key))).ToList();

    private string Width(long visitors)
    {
        var max = Rows.Count == 0 ? 1 : Math.Max(1, Rows.Max(r => r.Visitors));
        return (100.0 * visitors / max).ToString("0.#", CultureInfo.InvariantCulture);
    }

    private static Color KindColour(string source) => DashboardFormatter.SourceKind(source) switch
    {
        "social" => Color.Secondary,
        "direct" => Color.Primary,
        "search" => Color.Info,
        "email" => Color.Warning,
        _ => Color.Default,
    };
}
