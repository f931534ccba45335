using System.Globalization;

namespace Crowdstart.Dashboard.Services;

/// <summary>Readable numbers: money with its symbol, compact counts, percentages and durations.</summary>
public sealed class DashboardFormatter
{
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EUR"] = "€", ["USD"] = "$", ["GBP"] = "£", ["JPY"] = "¥", ["CHF"] = "CHF ", ["CAD"] = "CA$", ["AUD"] = "A$",
    };

    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>e.g. €12,345 (cents shown below 1,000).</summary>
    public string Money(decimal amount, string currency)
    {
        var symbol = Symbols.TryGetValue(currency, out var s) ? s : currency.ToUpperInvariant() + " ";
        var sign = amount < 0 ? "−" : "";
        var abs = Math.Abs(amount);
        var digits = abs < 1000 && abs != decimal.Truncate(abs) ? "N2" : "N0";
        return sign + symbol + abs.ToString(digits, Culture);
    }

    /// <summary>e.g. €12,345.60: always to the cent (tables people reconcile against their payment provider).</summary>
    public string MoneyExact(decimal amount, string currency)
    {
        var symbol = Symbols.TryGetValue(currency, out var s) ? s : currency.ToUpperInvariant() + " ";
        return (amount < 0 ? "−" : "") + symbol + Math.Abs(amount).ToString("N2", Culture);
    }

    /// <summary>e.g. 12,345.</summary>
    public string Count(long value) => value.ToString("N0", Culture);

    /// <summary>e.g. 42.5 %.</summary>
    public string Percent(double ratio) => double.IsFinite(ratio) ? (ratio * 100).ToString("0.#", Culture) + " %" : "—";

    /// <summary>Short spans to the second, e.g. 45 s, 3 min 07 s; longer ones as <see cref="Duration"/>.</summary>
    public string Elapsed(TimeSpan span) =>
        span.Duration() < TimeSpan.FromHours(1) && span.Duration() >= TimeSpan.FromMinutes(1)
            ? $"{(int)span.Duration().TotalMinutes} min {span.Duration().Seconds:00} s"
            : Duration(span);

    /// <summary>e.g. 2 h 05 min, 3 d 4 h, 45 s.</summary>
    public string Duration(TimeSpan span)
    {
        var sign = span < TimeSpan.Zero ? "−" : "";
        span = span.Duration();
        return sign + (span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes:00} min"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min"
            : $"{(int)span.TotalSeconds} s");
    }

    /// <summary>e.g. "12 s ago", "3 min ago", "2 h ago"; "just now" under two seconds.</summary>
    public string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        if (span < TimeSpan.Zero)
        {
            return "in " + Duration(-span);
        }
        return span < TimeSpan.FromSeconds(2) ? "just now" : Duration(span) + " ago";
    }

    /// <summary>Percent or a dash when there is nothing to divide.</summary>
    public string Rate(double? ratio) => ratio is { } r ? Percent(r) : "—";

    /// <summary>Seconds as an elapsed time, or a dash.</summary>
    public string Seconds(int? seconds) => seconds is { } s ? Elapsed(TimeSpan.FromSeconds(s)) : "—";

    /// <summary>Event types as people say them.</summary>
    public string EventLabel(string type) => EventName(type);

    /// <summary>Event types as people say them, where no formatter is at hand (one list for the whole dashboard).</summary>
    public static string EventName(string type) => type switch
    {
        "page_view" => "Visit",
        "reward_view" => "Reward viewed",
        "cart_created" => "Cart created",
        "checkout_started" => "Checkout started",
        "checkout_failed" => "Checkout failed",
        "pledge_completed" => "Pledge",
        "pledge_refunded" => "Refund",
        _ => type,
    };

    /// <summary>Sources as people say them: "social:reddit" → "Reddit (social)", "search:google" → "Google (search)".</summary>
    public string SourceLabel(string source)
    {
        var colon = source.IndexOf(':');
        if (colon < 0)
        {
            return source.Length == 0 ? "Unknown" : char.ToUpperInvariant(source[0]) + source[1..];
        }
        var (kind, name) = (source[..colon], source[(colon + 1)..]);
        return name.Length == 0 ? kind : $"{char.ToUpperInvariant(name[0])}{name[1..]} ({kind})";
    }

    /// <summary>The source's own name without its kind: "social:reddit" → "Reddit", "direct" → "Direct".</summary>
    public string SourceName(string source)
    {
        var name = source.IndexOf(':') is var i and >= 0 ? source[(i + 1)..] : source;
        return name.Length == 0 ? source : char.ToUpperInvariant(name[0]) + name[1..];
    }

    /// <summary>The kind of a source: "social", "search", "direct", "email"…</summary>
    public static string SourceKind(string source) => source.IndexOf(':') is var i and >= 0 ? source[..i] : source;
}
