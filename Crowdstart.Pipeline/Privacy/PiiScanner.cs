using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Crowdstart.Pipeline.Privacy;

/// <summary>
/// Finds personal data in free values: e-mail addresses, phone numbers, payment card numbers (issuer prefix, length
/// and Luhn), IBANs (mod-97-checked), IPv4 and IPv6 addresses. Returns what it found in words ("a phone number") so
/// ingestion can say why an event was refused. In property values (<see cref="FindInText"/>) it errs on the side of
/// refusing: analytics properties are short codes (reward tiers, payment methods), so a long digit run in one is far
/// more likely a leak than a legitimate value. Ids (<see cref="FindInId"/>) are judged by how the value is written,
/// since numeric ids (database ids, snowflakes, timestamps) are common and must not be taken for phone numbers.
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
            if (PaymentNumbers.IsIban(m.Value.Replace(" ", "", StringComparison.Ordinal)))
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
        if (text.Contains(':') && ContainsIPv6(text))
        {
            return IpAddress;
        }
        return null;
    }

    private static bool ContainsIPv6(string text)
    {
        foreach (var token in text.Split([' ', ',', ';', '\t', '\n', '\r', '/', '[', ']', '(', ')', '"', '\''], StringSplitOptions.RemoveEmptyEntries))
        {
            var colons = token.Count(c => c == ':');
            if (colons >= 2 && IPAddress.TryParse(token.Split('%')[0], out var address) && address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasTwoColons(string text)
    {
        var first = text.IndexOf(':');
        return first >= 0 && text.IndexOf(':', first + 1) > 0;
    }

    private static int CountDigits(string text)
    {
        var n = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                n++;
            }
        }
        return n;
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
        return PaymentNumbers.IsCardNumber(digits) ? Card : Phone;
    }

    /// <summary>
    /// The kind of personal data a customer or session id looks like. Ids must be opaque: an e-mail address, a phone
    /// number or a card number written the way people write them, or an IP address, is refused. A bare run of digits
    /// is an id (database ids, snowflakes, timestamps) unless it is a card number by issuer prefix, length and Luhn.
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
        var digits = CountDigits(id);
        // Before the card rule: "tel:4915399716815" passes for a 13-digit Visa number, but the word says what it is.
        if (PhonePrefix().IsMatch(id) && digits is >= 7 and <= 15)
        {
            return Phone;
        }
        // A card number behind a short word ("card-4111111111111111", "cc:5500-0000-0000-0004") is still a card number.
        // Digits glued inside a longer token are left alone: hex ids contain 13+ digit runs often enough that
        // flagging them would drop real customers' events.
        if (CardShapedId().Match(id) is { Success: true } card && PaymentNumbers.IsCardNumber(OnlyDigits(card.Groups["number"].Value)))
        {
            return Card;
        }
        if (IsWrittenLikePhone(id, digits))
        {
            return Phone;
        }
        // A whole id that is an IBAN, bare, grouped or behind a short word ("iban:DE89 3704 …"). The country's own
        // length is required as well as the mod-97 check, so an alphanumeric id of IBAN shape passes by chance far
        // less often than the one in 97 of the check alone.
        if (IbanShapedId().Match(id) is { Success: true } iban)
        {
            var compact = iban.Groups["iban"].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
            if (PaymentNumbers.HasCountryIbanLength(compact) && PaymentNumbers.IsIban(compact))
            {
                return Iban;
            }
        }
        return HasTwoColons(id) && ContainsIPv6(id) ? IpAddress : null;
    }

    /// <summary>
    /// Whether a whole id (not behind a phone word) is a phone number as people write it: after '+', with the area
    /// code in parentheses, or in three or more digit groups. A bare digit string is not: it is far more often a
    /// database id or a timestamp (a 12-digit id and a phone number without its '+' cannot be told apart).
    /// </summary>
    private static bool IsWrittenLikePhone(string id, int digits)
    {
        if (id[0] == '+')
        {
            return digits is >= 7 and <= 15 && InternationalPhone().IsMatch(id);
        }
        return digits is >= 9 and <= 15 && (GroupedPhone().IsMatch(id) || AreaCodePhone().IsMatch(id)) && !IsoDate().IsMatch(id);
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
        // Card numbers are never written after a '+'; "+4915399716815" is a phone number whatever its Luhn sum.
        if (candidate.StartsWith('+') && digits.Length is >= 7 and <= 15)
        {
            return Phone;
        }
        if (PaymentNumbers.IsCardNumber(digits))
        {
            return Card;
        }
        return digits.Length is >= 9 and <= 15 ? Phone : null;
    }

    private static string OnlyDigits(string s) => string.Concat(s.Where(char.IsAsciiDigit));

    [GeneratedRegex(@"[^\s@<>()\[\],;:""]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();

    // A run of digits with the separators people write phone and card numbers with.
    [GeneratedRegex(@"\+?\(?\d[\d \-.()/]{5,}\d")]
    private static partial Regex DigitRun();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoDate();

    // A whole id that is a card number as people write it: optionally behind a short word ("card-", "cc:", "c"),
    // 13–19 digits bare or in the usual groups (4-4-4-4, 4-4-4-4-1..3, 4-6-5 Amex, 4-6-4 Diners, 4-4-5) with one
    // kind of separator (space, dash or dot).
    [GeneratedRegex(@"^(?:[A-Za-z]{1,10}[-_.: ]?)?(?<number>\d{13,19}|\d{4}(?<s>[ .\-])(?:\d{4}\k<s>\d{4}\k<s>\d{1,4}(?:\k<s>\d{1,3})?|\d{6}\k<s>\d{4,5}|\d{4}\k<s>\d{5}))$")]
    private static partial Regex CardShapedId();

    // '+', then digits with the separators people write phone numbers with: "+49 151 2345 6789", "+1 (555) 123-4567".
    [GeneratedRegex(@"^\+\d[\d \-.()]*\d$")]
    private static partial Regex InternationalPhone();

    // Three to five digit groups of 2–5 digits: "555.123.4567", "0151-2345-6789", "030 1234 5678".
    [GeneratedRegex(@"^\d{2,5}(?:[ \-.]\d{2,5}){2,4}$")]
    private static partial Regex GroupedPhone();

    // An area code in parentheses: "(555) 123-4567", "(030) 12345678".
    [GeneratedRegex(@"^\(\d{2,5}\)[ \-.]?\d{2,8}(?:[ \-.]\d{2,8}){0,3}$")]
    private static partial Regex AreaCodePhone();

    [GeneratedRegex(@"^(tel|phone|mobile|sms|whatsapp)[:_\-.]?(?=[+(\d])", RegexOptions.IgnoreCase)]
    private static partial Regex PhonePrefix();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])")]
    private static partial Regex IPv4();

    [GeneratedRegex(@"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")]
    private static partial Regex IbanPattern();

    [GeneratedRegex(@"^(?:[A-Za-z]{1,10}[-_.: ])?(?<iban>[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30})$")]
    private static partial Regex IbanShapedId();
}
