using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Crowdstart.Pipeline.Privacy;

/// <summary>
/// Finds personal data in free values: e-mail addresses, phone numbers, payment card numbers (Luhn-checked),
/// IBANs (mod-97-checked), IPv4 and IPv6 addresses. Returns what it found in words ("a phone number") so ingestion
/// can say why an event was refused. It errs on the side of refusing: analytics properties are short codes
/// (reward tiers, payment methods), so a long digit run in one is far more likely a leak than a legitimate value.
/// </summary>
public static partial class PiiScanner
{
    public const string Email = "an email address";
    public const string Phone = "a phone number";
    public const string Card = "a payment card number";
    public const string Iban = "a bank account number (IBAN)";
    public const string IpAddress = "an IP address";

    /// <summary>The kind of personal data in <paramref name="text"/>, or null when none is found.</summary>
    public static string? FindInText(string text)
    {
        if (text.Length < 6 || CannotHoldPii(text))
        {
            return null;
        }
        if (text.Contains('@') && EmailPattern().IsMatch(text))
        {
            return Email;
        }
        // Before digit runs: the digits of an IP address or an IBAN would otherwise pass for a phone number.
        if (IPv4().IsMatch(text))
        {
            return IpAddress;
        }
        // An IBAN's digits would otherwise pass for a phone number.
        foreach (Match m in IbanPattern().Matches(text.ToUpperInvariant()))
        {
            if (IbanChecksumValid(m.Value.Replace(" ", "", StringComparison.Ordinal)))
            {
                return Iban;
            }
        }
        foreach (Match m in DigitRun().Matches(text))
        {
            var candidate = m.Value;
            // A leading ISO date is not personal data, but what follows it in the same run may be.
            if (IsoDate().Match(candidate) is { Success: true } date)
            {
                candidate = candidate[date.Length..].TrimStart(' ', '-', '/', '.');
            }
            if (ClassifyDigits(candidate) is { } kind)
            {
                return kind;
            }
        }
        if (text.Contains(':'))
        {
            foreach (var token in text.Split([' ', ',', ';', '\t', '\n', '\r', '/', '[', ']', '(', ')', '"', '\''], StringSplitOptions.RemoveEmptyEntries))
            {
                var colons = token.Count(c => c == ':');
                if (colons >= 2 && IPAddress.TryParse(token.Split('%')[0], out var address) && address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    return IpAddress;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// The kind of personal data a JSON number might be: an integer of phone or card length. Analytics numbers
    /// (quantities, percentages) never need nine digits.
    /// </summary>
    public static string? FindInNumber(double value, string rawText)
    {
        // Judge the value, not its spelling: 612345678e0 and 612345678.0 are the same nine digits.
        if (Math.Abs(value) < 100_000_000 || value != Math.Floor(value))
        {
            return null;
        }
        var digits = ((long)Math.Abs(value)).ToString(CultureInfo.InvariantCulture);
        return digits.Length is >= 13 and <= 19 && Luhn(digits) ? Card : Phone;
    }

    /// <summary>
    /// The kind of personal data a customer or session id looks like. Ids must be opaque: an e-mail address, a phone
    /// number (nine or more digits and nothing else), a card number or an IP address is refused.
    /// </summary>
    public static string? FindInId(string id)
    {
        if (CannotHoldPii(id))
        {
            return null;
        }
        if (id.Contains('@'))
        {
            return Email;
        }
        if (IPv4().IsMatch(id))
        {
            return IpAddress;
        }
        // A card number behind a short word ("card-4111111111111111") is still a card number. Digit runs inside
        // longer ids are left alone: random hex ids contain 13+ digit runs often enough that flagging them would
        // drop real customers' events.
        if (PrefixedDigits().Match(id) is { Success: true } prefixed && Luhn(prefixed.Groups[1].Value))
        {
            return Card;
        }
        var digits = OnlyDigits(id);
        var onlyDigitsAndSeparators = id.All(c => char.IsAsciiDigit(c) || c is '-' or '.' or '_' or ':' or ' ');
        if (onlyDigitsAndSeparators && digits.Length is >= 9 and <= 15 && !IsoDate().IsMatch(id))
        {
            return Phone;
        }
        if (PhonePrefix().IsMatch(id) && digits.Length is >= 7 and <= 15)
        {
            return Phone;
        }
        return FindInText(id) is IpAddress ? IpAddress : null;
    }

    /// <summary>
    /// One pass that rules out every pattern at once for the short ids and values most events carry (the scan
    /// runs for every id and property value, so it dominates ingest's CPU otherwise). Sound because each pattern
    /// needs something such a text lacks: an email an '@'; a phone or card number at least 7 digits; an IPv4
    /// address 3 dots; an IPv6 address 2 colons; an IBAN at least 15 characters.
    /// </summary>
    private static bool CannotHoldPii(string text)
    {
        if (text.Length >= 15)
        {
            return false;
        }
        int digits = 0, dots = 0, colons = 0;
        foreach (var c in text)
        {
            // char.IsDigit is \p{Nd}, exactly what the patterns' \d matches.
            if (char.IsDigit(c))
            {
                digits++;
            }
            else if (c == '.')
            {
                dots++;
            }
            else if (c == ':')
            {
                colons++;
            }
            else if (c == '@')
            {
                return false;
            }
        }
        return digits < 7 && dots < 3 && colons < 2;
    }

    private static string? ClassifyDigits(string candidate)
    {
        var digits = OnlyDigits(candidate);
        if (digits.Length is >= 13 and <= 19 && Luhn(digits))
        {
            return Card;
        }
        if (digits.Length is >= 9 and <= 15 || (candidate.StartsWith('+') && digits.Length is >= 7 and <= 15))
        {
            return Phone;
        }
        return null;
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

    private static bool IbanChecksumValid(string iban)
    {
        if (iban.Length is < 15 or > 34)
        {
            return false;
        }
        var rearranged = iban[4..] + iban[..4];
        var numeric = string.Concat(rearranged.Select(c => char.IsAsciiLetter(c) ? (c - 'A' + 10).ToString(CultureInfo.InvariantCulture) : c.ToString()));
        return BigInteger.Parse(numeric, CultureInfo.InvariantCulture) % 97 == 1;
    }

    private static string OnlyDigits(string s) => string.Concat(s.Where(char.IsAsciiDigit));

    [GeneratedRegex(@"[^\s@<>()\[\],;:""]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();

    // A run of digits with the separators people write phone and card numbers with.
    [GeneratedRegex(@"\+?\(?\d[\d \-.()/]{5,}\d")]
    private static partial Regex DigitRun();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^[A-Za-z]{0,8}[-_.:]?(\d{13,19})$")]
    private static partial Regex PrefixedDigits();

    [GeneratedRegex(@"^(tel|phone|mobile|sms|whatsapp)[:_\-.]?(?=[+(\d])", RegexOptions.IgnoreCase)]
    private static partial Regex PhonePrefix();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])")]
    private static partial Regex IPv4();

    [GeneratedRegex(@"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")]
    private static partial Regex IbanPattern();
}
