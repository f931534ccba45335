using System.Globalization;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// How alerts are put into words, the same on the banner, the history, the API and chat messages: the detector's name,
/// its value with the right unit, and what became of a resolved alert ("recovered at 14:05 after 12 min"), so an
/// incident that is over never reads as if it were still going on.
/// </summary>
public static class AlertWording
{
    /// <summary>A short name of the detector, for people.</summary>
    public static string Title(string detector) => detector switch
    {
        DetectorKinds.CheckoutConversionDrop => "Checkout → pledge conversion drop",
        DetectorKinds.VisitConversionDrop => "Visit → pledge conversion drop",
        DetectorKinds.TrafficDrop => "Traffic drop",
        DetectorKinds.TrafficSpike => "Traffic spike",
        DetectorKinds.RevenueStall => "Pledges stalled",
        DetectorKinds.CheckoutFailureSpike => "Checkout failures",
        DetectorKinds.RewardToCartDrop => "Add-to-cart drop",
        DetectorKinds.CartToCheckoutDrop => "Cart → checkout drop",
        _ => detector,
    };

    /// <summary>Whether the detector's value is a share (a rate between 0 and 1) rather than a count per minute.</summary>
    public static bool IsRate(string detector) =>
        detector is DetectorKinds.CheckoutConversionDrop or DetectorKinds.VisitConversionDrop or DetectorKinds.CheckoutFailureSpike
            or DetectorKinds.RevenueStall or DetectorKinds.RewardToCartDrop or DetectorKinds.CartToCheckoutDrop;

    /// <summary>A value of the detector with its unit: "12.5 %" for rates, "42/min" for counts.</summary>
    public static string Value(string detector, double value)
    {
        if (!double.IsFinite(value))
        {
            return "—";
        }
        if (IsRate(detector))
        {
            return (value * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
        }
        var per = detector == DetectorKinds.RevenueStall ? " pledges/min" : "/min";
        return value.ToString(value >= 10 ? "0" : "0.#", CultureInfo.InvariantCulture) + per;
    }

    /// <summary>The expected range, e.g. "30 %–42 %".</summary>
    public static string Range(string detector, double low, double high) => $"{Value(detector, low)}–{Value(detector, high)}";

    /// <summary>What the scope means for people: "the whole campaign" or "source social:reddit".</summary>
    public static string Scope(string scope) => scope == "campaign" ? "whole campaign" : scope.Replace("source:", "source ", StringComparison.Ordinal);

    /// <summary>e.g. "12 min", "2 h 05 min", "45 s".</summary>
    public static string Duration(TimeSpan span)
    {
        span = span.Duration();
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes:00} min"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min"
            : $"{(int)span.TotalSeconds} s";
    }

    /// <summary>
    /// What became of a resolved alert, with its time formatted by <paramref name="clock"/> (the viewer's zone on pages,
    /// UTC in messages): "Recovered at 14:05 after 12 min", "Resolved by maya@… at 14:05 after 12 min", "Closed at 14:05
    /// after 2 h 05 min (campaign ended)". Null while the alert is live.
    /// </summary>
    public static string? Outcome(DateTimeOffset openedAt, DateTimeOffset? resolvedAt, string? resolvedBy, Func<DateTimeOffset, string> clock)
    {
        if (resolvedAt is not { } at)
        {
            return null;
        }
        var after = Duration(at - openedAt);
        return resolvedBy switch
        {
            null => $"Recovered at {clock(at)} after {after}",
            _ when resolvedBy.StartsWith("system:", StringComparison.Ordinal) => $"Closed at {clock(at)} after {after} ({resolvedBy["system:".Length..].Trim()})",
            _ => $"Resolved by {resolvedBy} at {clock(at)} after {after}",
        };
    }

    /// <summary>
    /// The alert's sentence as it should read now: the detector's message while the alert is live; for a resolved alert
    /// its outcome, with the message as what was last seen while it was open (in the past, not as if ongoing).
    /// </summary>
    public static string Summary(AlertInfo alert, Func<DateTimeOffset, string> clock) =>
        Outcome(alert.OpenedAt, alert.ResolvedAt, alert.ResolvedBy, clock) is { } outcome
            ? $"{outcome}. Last reading while open: {alert.Message}"
            : alert.Message;

    /// <summary>A time in a message that has no viewer to take the zone from: "14:05 UTC".</summary>
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
