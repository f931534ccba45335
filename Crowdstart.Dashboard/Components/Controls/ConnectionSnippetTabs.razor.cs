using Crowdstart.Dashboard.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// The ready-to-paste connection snippets of a campaign (our API, Segment's batch endpoint, the Segment Node client) as
/// tabs with a copy button each: on the ingest keys page, and on a campaign page still waiting for its first event.
/// </summary>
public partial class ConnectionSnippetTabs
{
    private string? _copied;

    [Parameter, EditorRequired] public Guid CampaignId { get; set; }

    /// <summary>A key just created (shown once), or null for the placeholder.</summary>
    [Parameter] public string? Key { get; set; }

    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }

    private IReadOnlyList<(string Title, string Text)> Tabs
    {
        get
        {
            var snippets = ConnectionSnippets.For(Navigation.BaseUri, CampaignId, Key);
            return [("curl · /api/v1/events", snippets.EventsCurl), ("curl · Segment /v1/batch", snippets.SegmentCurl),
                ("Node · @segment/analytics-node", snippets.Node)];
        }
    }

    private async Task CopyAsync(string text, string what) => _copied = await Clipboard.CopyAsync(JS, text, what);
}
