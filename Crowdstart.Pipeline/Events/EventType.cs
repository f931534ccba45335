using System.Collections.Frozen;

namespace Crowdstart.Pipeline.Events;

/// <summary>The user actions a campaign page reports, with their wire names.</summary>
public static class EventTypes
{
    public const string PageView = "page_view";
    public const string RewardView = "reward_view";
    public const string CartCreated = "cart_created";
    public const string CheckoutStarted = "checkout_started";
    public const string CheckoutFailed = "checkout_failed";
    public const string PledgeCompleted = "pledge_completed";
    public const string PledgeRefunded = "pledge_refunded";

    /// <summary>Every accepted type, in funnel order.</summary>
    public static readonly IReadOnlyList<string> All =
        [PageView, RewardView, CartCreated, CheckoutStarted, CheckoutFailed, PledgeCompleted, PledgeRefunded];

    private static readonly FrozenSet<string> Known = All.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string type) => Known.Contains(type);

    /// <summary>Types that carry money and therefore need <c>amount</c> and <c>currency</c>.</summary>
    public static bool CarriesAmount(string type) => type is PledgeCompleted or PledgeRefunded;
}
