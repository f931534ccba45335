using System.Globalization;

namespace Crowdstart.Pipeline.Recommendations;

/// <summary>Numbers in the recommendations' sentences, written the way the dashboard writes them (e.g. €5,800, 11.8 %).</summary>
public static class RecommendationText
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, string> Symbols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EUR"] = "€", ["USD"] = "$", ["GBP"] = "£", ["JPY"] = "¥", ["CHF"] = "CHF ", ["CAD"] = "CA$", ["AUD"] = "A$",
    };

    /// <summary>Whole units, e.g. €5,800.</summary>
    public static string Money(decimal amount, string currency)
    {
        var symbol = Symbols.TryGetValue(currency.Trim(), out var s) ? s : currency.Trim().ToUpperInvariant() + " ";
        return (amount < 0 ? "−" : "") + symbol + Math.Round(Math.Abs(amount), 0).ToString("N0", Culture);
    }

    /// <summary>A share with one decimal, e.g. 11.8 %.</summary>
    public static string Percent(double share) => (share * 100).ToString("0.0", Culture) + " %";

    /// <summary>A chance as the forecast panel words it: never "0 %" or "100 %" for something not yet decided.</summary>
    public static string Chance(double probability) => probability switch
    {
        < 0.01 => "< 1 %",
        > 0.99 => "> 99 %",
        _ => (probability * 100).ToString("0", Culture) + " %",
    };

    /// <summary>A count, e.g. 1,240.</summary>
    public static string Count(long value) => value.ToString("N0", Culture);

    /// <summary>A multiple, e.g. 2.4×.</summary>
    public static string Times(double factor) => factor.ToString("0.0", Culture) + "×";
}
