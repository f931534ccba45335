namespace Crowdstart.Dashboard.Model;

/// <summary>A figure's name, as every place that shows it says it, and its definition for people (a tile's tooltip).</summary>
public sealed record FigureDefinition(string Name, string Definition);

/// <summary>
/// The one list of what the campaign page's figures mean: the tiles' labels and tooltips come from here, and
/// docs/metrics.md ("Figures on the campaign page") repeats it word for word (<c>MetricDefinitionsTests</c> fails when they differ).
/// Visit → pledge and checkout → pledge conversion are different figures and never share a name.
/// </summary>
public static class MetricDefinitions
{
    public static readonly FigureDefinition Pledged = new("Pledged (net of refunds)",
        "Completed pledges minus refunds since launch, by the time they happened, in the campaign's currency.");

    public static readonly FigureDefinition RevenueLastHour = new("Revenue · last hour",
        "Net pledged (pledges minus refunds) in the last 60 minutes, the current minute included. In the campaign's first hour this is everything pledged so far.");

    public static readonly FigureDefinition EarlyVelocity = new("Early velocity · first 4 h",
        "Net pledged from the launch minute to T+4 h, and its pace per hour. Until T+4 h it is everything pledged since launch; it is fixed after, so launches can be compared.");

    public static readonly FigureDefinition VisitConversion = new("Visit → pledge conversion",
        "Customers who pledged in the window ÷ customers who visited or pledged in it (sliding 1 min, 5 min and 1 h windows; late events left out). Not the funnel's checkout → pledge conversion.");

    public static readonly FigureDefinition CheckoutConversion = new("Checkout → pledge conversion",
        "Customers who pledged after starting a checkout ÷ customers who started one, in funnel order within the step's time limit, since launch. Not the visit → pledge conversion of the live windows.");

    public static readonly FigureDefinition ReturnRate = new("24 h return rate",
        "First-time visitors who came back in another session within 24 h of their first visit ÷ all first-time visitors, since launch.");

    public static readonly FigureDefinition SocialAmplification = new("Social amplification · 1 h",
        "Visits (page views) from social networks ÷ direct visits in the last hour; late events left out.");

    public static readonly FigureDefinition CartToPledge = new("Cart to pledge · p50",
        "Median time from a customer's first cart to their pledge, over carts completed within the cart window, since launch. Abandoned: carts whose window passed without a pledge ÷ those carts.");

    public static readonly FigureDefinition CheckoutFailures = new("Checkout failures · 5 min",
        "Failed checkouts ÷ checkout attempts (checkouts started) in the last 5 min; late events left out.");

    public static readonly FigureDefinition LateEvents = new("Late events",
        "Events received more than the campaign's allowed lateness after they happened: kept in every total, left out of the live windows.");

    /// <summary>Every definition, in the order of the page.</summary>
    public static IReadOnlyList<FigureDefinition> All { get; } =
    [
        Pledged, RevenueLastHour, EarlyVelocity, VisitConversion, CheckoutConversion, ReturnRate, SocialAmplification, CartToPledge,
        CheckoutFailures, LateEvents,
    ];
}
