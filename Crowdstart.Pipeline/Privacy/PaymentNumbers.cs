using System.Globalization;
using System.Numerics;

namespace Crowdstart.Pipeline.Privacy;

/// <summary>The checks that tell a payment card or bank account number from any other run of digits.</summary>
public static class PaymentNumbers
{
    /// <summary>
    /// Issuer identification number (IIN) ranges of the major card networks and the lengths each issues: the networks'
    /// published ranges as summarised in the IIN table of Wikipedia's "Payment card number" article, with Maestro's
    /// whole reserved range (50, 56–69) rather than the few BINs listed there, so no Maestro card is missed. A number
    /// is only a card number if its first digits fall in one of these ranges and its length is one the network uses.
    /// Prefixes are compared on their first <c>Low.Length</c> digits; overlapping rows are fine (any match counts).
    /// </summary>
    private static readonly IinRange[] IinRanges =
    [
        new("Visa", "4", "4", 13, 13),
        new("Visa", "4", "4", 16, 16),
        new("Visa", "4", "4", 19, 19),
        new("Mastercard", "51", "55", 16, 16),
        new("Mastercard", "2221", "2720", 16, 16),
        new("American Express", "34", "34", 15, 15),
        new("American Express", "37", "37", 15, 15),
        new("Discover", "6011", "6011", 16, 19),
        new("Discover", "644", "649", 16, 19),
        new("Discover", "65", "65", 16, 19),
        new("Discover", "622126", "622925", 16, 19),
        new("Diners Club", "300", "305", 14, 19),
        new("Diners Club", "3095", "3095", 14, 19),
        new("Diners Club", "36", "36", 14, 19),
        new("Diners Club", "38", "39", 14, 19),
        new("JCB", "3528", "3589", 16, 19),
        new("UnionPay", "62", "62", 16, 19),
        // Maestro is issued from 12 digits, but nothing under 13 digits is taken for a card number.
        new("Maestro", "50", "50", 13, 19),
        new("Maestro", "56", "69", 13, 19),
    ];

    /// <summary>Card numbers starting with <paramref name="Low"/>…<paramref name="High"/> (compared on as many
    /// leading digits as they have) and <paramref name="MinLength"/>–<paramref name="MaxLength"/> digits long.</summary>
    private sealed record IinRange(string Network, string Low, string High, int MinLength, int MaxLength);

    /// <summary>
    /// Whether <paramref name="digits"/> (digits only) is a payment card number: 13–19 digits, an issuer prefix of
    /// a major network with a length that network issues (<see cref="IinRanges"/>), and the Luhn checksum.
    /// </summary>
    public static bool IsCardNumber(string digits)
    {
        if (digits.Length is < 13 or > 19)
        {
            return false;
        }
        foreach (var range in IinRanges)
        {
            if (digits.Length >= range.MinLength && digits.Length <= range.MaxLength &&
                string.CompareOrdinal(digits, 0, range.Low, 0, range.Low.Length) >= 0 &&
                string.CompareOrdinal(digits, 0, range.High, 0, range.High.Length) <= 0)
            {
                return Luhn(digits);
            }
        }
        return false;
    }

    /// <summary>The Luhn checksum every payment card number satisfies.</summary>
    public static bool Luhn(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /// <summary>
    /// Whether <paramref name="iban"/> (upper case, no spaces) starts with a country of the IBAN registry and has that
    /// country's length.
    /// </summary>
    public static bool HasCountryIbanLength(string iban) =>
        iban.Length >= 2 && IbanLengths.TryGetValue(iban[..2], out var length) && iban.Length == length;

    // The IBAN registry (SWIFT, release 2024): country code → IBAN length.
    private static readonly Dictionary<string, int> IbanLengths = new(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BI"] = 27, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24,
        ["DE"] = 22, ["DJ"] = 27, ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18,
        ["FK"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27,
        ["GT"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26, ["IT"] = 27,
        ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20,
        ["LV"] = 21, ["LY"] = 25, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MN"] = 20, ["MR"] = 27,
        ["MT"] = 31, ["MU"] = 30, ["NI"] = 28, ["NL"] = 18, ["NO"] = 15, ["OM"] = 23, ["PK"] = 24, ["PL"] = 28,
        ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["RU"] = 33, ["SA"] = 24, ["SC"] = 31,
        ["SD"] = 18, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["SO"] = 23, ["ST"] = 25, ["SV"] = 28,
        ["TL"] = 23, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20, ["YE"] = 30,
    };

    /// <summary>Whether <paramref name="iban"/> (upper case, no spaces) has an IBAN's length and its mod-97 check digits.</summary>
    public static bool IsIban(string iban)
    {
        if (iban.Length is < 15 or > 34)
        {
            return false;
        }
        var rearranged = iban[4..] + iban[..4];
        var numeric = string.Concat(rearranged.Select(c => char.IsAsciiLetter(c) ? (c - 'A' + 10).ToString(CultureInfo.InvariantCulture) : c.ToString()));
        return BigInteger.Parse(numeric, CultureInfo.InvariantCulture) % 97 == 1;
    }
}
