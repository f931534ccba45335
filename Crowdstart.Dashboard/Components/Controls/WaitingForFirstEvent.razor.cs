using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// A campaign page before its first event: says so, and shows how to send one (the connection snippets), instead of
/// empty tiles and charts that look broken.
/// </summary>
public partial class WaitingForFirstEvent
{
    [Parameter, EditorRequired] public Guid CampaignId { get; set; }
}
