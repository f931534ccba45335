using Crowdstart.Dashboard.Utils;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Recommendations;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// The campaign's recommendations as cards: what to do, the evidence (metric, value and what it is compared with, each
/// figure explained in a tooltip), the expected effect, a link to the explorer query that shows the evidence, and a
/// Dismiss button. Source, device and reward names come from events: they are only ever rendered as text.
/// </summary>
public partial class RecommendationsPanel
{
    /// <summary>What the panel says when no rule fires, naming what is checked so "nothing" reads as a result.</summary>
    public const string EmptyText =
        "Nothing to recommend right now — we check conversion by source, cart abandonment, checkout failures by device, reward tiers and the forecast";

    [Parameter, EditorRequired] public required CampaignInfo Campaign { get; set; }

    /// <summary>The recommendations to show; null while loading (or when they could not be computed, see <see cref="Failed"/>).</summary>
    [Parameter] public IReadOnlyList<Recommendation>? Items { get; set; }

    /// <summary>The latest computation failed.</summary>
    [Parameter] public bool Failed { get; set; }

    /// <summary>A dismissal that went wrong, to show above the cards.</summary>
    [Parameter] public string? Error { get; set; }

    /// <summary>Called with the recommendation whose Dismiss button was pressed; no button without it.</summary>
    [Parameter] public EventCallback<Recommendation> OnDismiss { get; set; }

    private string ExploreUrl(Recommendation r) => DashboardUrls.Explore(Campaign.Id, r.Explore);
}
