using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Metrics;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// The newest events at aggregate level (type, source, amount, time). Customer ids appear only in rows that carry
/// them, which only a live data-access grant produces (<see cref="Pipeline.Accounts.CustomerFeedSession"/>).
/// </summary>
public partial class EventFeed
{
    [Inject] public required DashboardFormatter Format { get; init; }

    [Parameter, EditorRequired] public required IReadOnlyList<FeedEvent> Events { get; set; }

    [Parameter, EditorRequired] public required string Currency { get; set; }

    [Parameter, EditorRequired] public required DateTimeOffset Now { get; set; }

    [Parameter] public Guid CampaignId { get; set; }

    [Parameter] public TimeSpan Offset { get; set; }

    private static string Icon(string type) => type switch
    {
        EventTypes.PageView => Icons.Material.Outlined.Visibility,
        EventTypes.RewardView => Icons.Material.Outlined.CardGiftcard,
        EventTypes.CartCreated => Icons.Material.Outlined.ShoppingCart,
        EventTypes.CheckoutStarted => Icons.Material.Outlined.Payment,
        EventTypes.CheckoutFailed => Icons.Material.Outlined.ErrorOutline,
        EventTypes.PledgeCompleted => Icons.Material.Filled.Favorite,
        EventTypes.PledgeRefunded => Icons.Material.Outlined.Undo,
        _ => Icons.Material.Outlined.Circle,
    };

    private static Color Colour(string type) => type switch
    {
        EventTypes.PledgeCompleted => Color.Success,
        EventTypes.CheckoutFailed or EventTypes.PledgeRefunded => Color.Error,
        _ => Color.Default,
    };
}
