namespace Crowdstart.Pipeline.Alerts;

/// <summary>A rate of the funnel that detectors watch: <see cref="Successes"/> per <see cref="Trials"/>.</summary>
/// <param name="Name">Stable name (also the prior's key).</param>
/// <param name="Successes">The step counted as a success.</param>
/// <param name="Trials">The step counted as a trial.</param>
/// <param name="LagFrom">Successes follow their trials by this many buckets at least…</param>
/// <param name="LagTo">…and at most: a bucket's trials are taken as the average of the buckets this far back, so a
/// pledge and the checkout it completes are compared even when they fall into different 10-second buckets.</param>
public sealed record FunnelRate(string Name, CountedStep Successes, CountedStep Trials, int LagFrom, int LagTo)
{
    public static readonly FunnelRate CheckoutConversion = new("checkout_conversion", CountedStep.Pledges, CountedStep.Checkouts, 0, 4);
    public static readonly FunnelRate VisitConversion = new("visit_conversion", CountedStep.Pledges, CountedStep.Visits, 1, 12);
    public static readonly FunnelRate FailureShare = new("failure_share", CountedStep.Failures, CountedStep.Checkouts, 0, 2);
    public static readonly FunnelRate RewardToCart = new("reward_to_cart", CountedStep.Carts, CountedStep.RewardViews, 0, 3);
    public static readonly FunnelRate CartToCheckout = new("cart_to_checkout", CountedStep.Checkouts, CountedStep.Carts, 0, 6);

    public static readonly IReadOnlyList<FunnelRate> All = [CheckoutConversion, VisitConversion, FailureShare, RewardToCart, CartToCheckout];
}
