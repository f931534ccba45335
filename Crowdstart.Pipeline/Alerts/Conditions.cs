namespace Crowdstart.Pipeline.Alerts;

/// <summary>Conditions of a campaign's funnel at one moment (<see cref="FunnelJourney"/>): what an incident changes, in the demo and in simulations.</summary>
/// <param name="TrafficFactor">Multiplies the visitor rate (0.15 = tracking or traffic collapse).</param>
/// <param name="CheckoutBreakage">Share of checkouts that fail because of the incident.</param>
/// <param name="ReportedFailureShare">Share of those broken checkouts that send checkout_failed (the rest fail silently).</param>
/// <param name="PaymentFailure">Probability that a checkout fails and is reported (card declined, timeout…).</param>
/// <param name="BoostedSource">A source whose traffic is multiplied (a viral post), or null.</param>
/// <param name="SourceBoost">Extra visitors per minute from <paramref name="BoostedSource"/>.</param>
/// <param name="CartBreakage">Share of add-to-cart clicks that create no cart (a broken button).</param>
/// <param name="CheckoutAbandon">Share of carts abandoned before checkout (e.g. a shipping-cost surprise).</param>
public sealed record Conditions(double TrafficFactor = 1, double CheckoutBreakage = 0, double ReportedFailureShare = 0.7,
    double PaymentFailure = 0.07, string? BoostedSource = null, double SourceBoost = 0, double CartBreakage = 0, double CheckoutAbandon = 0)
{
    public static readonly Conditions Normal = new();
}
