using System.Globalization;

namespace Crowdstart.Dashboard.Model;

/// <summary>
/// A tile's change against a comparison: the short mark next to the value (<see cref="Text"/>, always with its unit: "%" for a
/// relative change, "pp" for a difference of two rates in percentage points), whether it is good news, and the line saying what
/// it was compared with ("vs previous 5 min (31.2 %)", or "no previous period").
/// </summary>
public sealed record TileChange(string? Text, bool? Good, string Comparison)
{
    /// <summary>What a tile says when the window before its own lies (partly) before the launch, or the figure counts since launch.</summary>
    public const string NoPreviousPeriod = "no previous period";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Nothing to compare with, and why (e.g. <see cref="NoPreviousPeriod"/>).</summary>
    public static TileChange None(string why = NoPreviousPeriod) => new(null, null, why);

    /// <summary>
    /// A relative change (current − previous) / |previous|, e.g. "▲ 12 %". A previous value of zero has no relative change: the
    /// line then just shows it.
    /// </summary>
    public static TileChange Relative(double? current, double? previous, string previousText, string against, bool higherIsBetter = true)
    {
        if (current is not { } c || previous is not { } p)
        {
            return new(null, null, $"{against}: —");
        }
        if (p == 0)
        {
            return new(null, null, $"{against}: {previousText}");
        }
        var change = (c - p) / Math.Abs(p);
        return new(Mark(change * 100, " %"), IsGood(change * 100, higherIsBetter), $"vs {against} ({previousText})");
    }

    /// <summary>The difference of two rates in percentage points, e.g. "▼ 1.5 pp" for 31.2 % → 29.7 %.</summary>
    public static TileChange Points(double? current, double? previous, string previousText, string against, bool higherIsBetter = true)
    {
        if (current is not { } c || previous is not { } p)
        {
            return new(null, null, $"{against}: {previousText}");
        }
        var points = (c - p) * 100;
        return new(Mark(points, " pp"), IsGood(points, higherIsBetter), $"vs {against} ({previousText})");
    }

    private static string Mark(double value, string unit)
    {
        var magnitude = Math.Abs(value);
        var text = magnitude.ToString(magnitude >= 10 ? "0" : "0.#", Invariant);
        return text == "0" ? "= 0" + unit : $"{(value > 0 ? "▲" : "▼")} {text}{unit}";
    }

    private static bool? IsGood(double value, bool higherIsBetter) =>
        Math.Abs(value) < 0.05 ? null : value > 0 == higherIsBetter;
}
