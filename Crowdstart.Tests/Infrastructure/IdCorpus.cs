using System.Globalization;
using System.Text;
using Crowdstart.Pipeline.Privacy;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// Generated corpora for the PII rules' rates (docs/privacy.md): realistic opaque ids that must pass, and card
/// numbers, phone numbers and e-mail addresses in the forms people write them, which must all be refused. Every
/// generator takes a fixed seed, so the measured rates are the same on every run and machine.
/// </summary>
public static class IdCorpus
{
    /// <summary>Time-based ids are minted in this window: the ids clients send today (sessions now, customers since 2023).</summary>
    public static readonly DateTimeOffset MintedFrom = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset MintedUntil = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private const long TwitterEpochMs = 1288834974657;
    private const long DiscordEpochMs = 1420070400000;
    private const string Hex = "0123456789abcdef";
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>
    /// <paramref name="count"/> opaque ids of the kinds platforms send as customer and session ids, in equal shares:
    /// UUIDs (v4, v7), random hex with and without a prefix, MongoDB ObjectIds, ULIDs, base62 tokens (Stripe-style,
    /// nanoid), Twitter and Discord snowflakes, sequential database ids bare and prefixed, millisecond and
    /// microsecond timestamps bare and prefixed, and Unix seconds with a counter or random suffix.
    /// </summary>
    public static List<(string Kind, string Id)> OpaqueIds(int count, int seed = 20261206)
    {
        var rng = new Random(seed);
        var generators = new (string Kind, Func<Random, string> Make)[]
        {
            ("uuid-v4", r => r.Next(4) == 0 ? RandomUuid(r).ToString("N") : RandomUuid(r).ToString()),
            ("uuid-v7", r => UuidV7(r, MintedMs(r))),
            ("hex", r => Pick(r, "", "", "c-", "s-", "cus_", "sess_", "u") + RandomString(r, Hex, Pick(r, 8, 12, 16, 20, 24, 32))),
            ("objectid", r => (MintedMs(r) / 1000).ToString("x8", CultureInfo.InvariantCulture) + RandomString(r, Hex, 16)),
            ("ulid", r => Ulid(r, MintedMs(r))),
            ("base62", r => r.Next(2) == 0 ? Pick(r, "cus_", "sess_", "usr_") + RandomString(r, Base62, 14)
                : RandomString(r, Base62 + "_-", 21)),
            ("twitter-snowflake", r => Prefixed(r, Snowflake(r, TwitterEpochMs))),
            ("discord-snowflake", r => Prefixed(r, Snowflake(r, DiscordEpochMs))),
            ("database-id", r => Prefixed(r, DatabaseId(r))),
            ("ms-timestamp", r => Pick(r, "", "evt-", "s_", "sess-", "e") + MintedMs(r).ToString(CultureInfo.InvariantCulture)
                + (r.Next(3) == 0 ? "-" + r.Next(0, 10_000).ToString(CultureInfo.InvariantCulture) : "")),
            ("us-timestamp", r => Pick(r, "s_", "sess_", "t-", "") + (MintedMs(r) * 1000 + r.Next(1000)).ToString(CultureInfo.InvariantCulture)),
            ("unix-seconds", r => Pick(r, "", "sess-", "s_") + (MintedMs(r) / 1000).ToString(CultureInfo.InvariantCulture) + "-"
                + (r.Next(2) == 0 ? r.Next(1, 100_000).ToString(CultureInfo.InvariantCulture) : RandomString(r, Hex, 8))),
        };
        var ids = new List<(string, string)>(count);
        for (var i = 0; i < count; i++)
        {
            var (kind, make) = generators[i % generators.Length];
            ids.Add((kind, make(rng)));
        }
        return ids;
    }

    /// <summary>
    /// Numeric ids outside the corpus, to show where the card rule cannot tell an id from a card: snowflakes minted
    /// 2015–2022 (17–18 digits, whose leading digits sweep through issuer prefixes as time passes) and uniformly
    /// random 16- and 19-digit numbers.
    /// </summary>
    public static List<(string Kind, string Id)> CardShapedNumericIds(int countPerKind, int seed = 20261207)
    {
        var rng = new Random(seed);
        var from = new DateTimeOffset(2015, 6, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var until = new DateTimeOffset(2022, 12, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var ids = new List<(string, string)>();
        for (var i = 0; i < countPerKind; i++)
        {
            var ms = rng.NextInt64(from, until);
            ids.Add(("discord-snowflake 2015-2022", Snowflake(rng, DiscordEpochMs, ms)));
            ids.Add(("twitter-snowflake 2015-2022", Snowflake(rng, TwitterEpochMs, ms)));
            ids.Add(("random 16 digits", rng.NextInt64(1_000_000_000_000_000, 10_000_000_000_000_000).ToString(CultureInfo.InvariantCulture)));
            ids.Add(("random 19 digits", rng.NextInt64(1_000_000_000_000_000_000, long.MaxValue).ToString(CultureInfo.InvariantCulture)));
        }
        return ids;
    }

    /// <summary>Public test card numbers of each major network (Stripe, Braintree, Adyen documentation).</summary>
    public static readonly string[] TestCardNumbers =
    [
        "4111111111111111", "4242424242424242", "4012888888881881", "4000056655665556", "4222222222222",
        "5555555555554444", "5105105105105100", "5500000000000004", "2223003122003222", "2221000000000009",
        "378282246310005", "371449635398431", "340000000000009",
        "6011111111111117", "6011000990139424", "6445644564456445",
        "30569309025904", "38520000023237", "36227206271667", "3056930009020004",
        "3530111333300000", "3566002020360505", "3566111111111113",
        "6200000000000005", "6205500000000000004",
        "6759649826438453", "6304000000000000", "5018000000000009", "6799990100000000019",
    ];

    /// <summary>
    /// Card numbers in every written form: the public test numbers plus, for every issuer range and every length its
    /// network issues, <paramref name="perRangeAndLength"/> random Luhn-valid numbers; each bare, grouped with spaces,
    /// dashes and dots, and behind a short word (glued, or with '-', ':' or '_').
    /// </summary>
    public static List<(string Number, string Written)> CardNumbers(int perRangeAndLength = 4, int seed = 20261208)
    {
        var rng = new Random(seed);
        var numbers = new List<string>(TestCardNumbers);
        foreach (var (low, high, minLength, maxLength) in CardRanges)
        {
            for (var length = minLength; length <= maxLength; length++)
            {
                for (var i = 0; i < perRangeAndLength; i++)
                {
                    var prefix = rng.Next(int.Parse(low, CultureInfo.InvariantCulture), int.Parse(high, CultureInfo.InvariantCulture) + 1)
                        .ToString(CultureInfo.InvariantCulture);
                    var body = prefix + RandomString(rng, "0123456789", length - prefix.Length - 1);
                    numbers.Add(body + LuhnCheckDigit(body));
                }
            }
        }
        var written = new List<(string, string)>();
        foreach (var number in numbers)
        {
            var groups = CardGroups(number);
            foreach (var form in new[]
                     {
                         number, string.Join(' ', groups), string.Join('-', groups), string.Join('.', groups),
                         "card-" + number, "cc:" + number, "pan_" + number, "c" + number, "card-" + string.Join('-', groups),
                         "cc:" + string.Join(' ', groups),
                     })
            {
                written.Add((number, form));
            }
        }
        return written;
    }

    /// <summary>The issuer ranges the card corpus draws from: the same major networks the scanner documents.</summary>
    private static readonly (string Low, string High, int MinLength, int MaxLength)[] CardRanges =
    [
        ("4", "4", 13, 13), ("4", "4", 16, 16), ("4", "4", 19, 19), ("51", "55", 16, 16), ("2221", "2720", 16, 16),
        ("34", "34", 15, 15), ("37", "37", 15, 15), ("6011", "6011", 16, 19), ("644", "649", 16, 19), ("65", "65", 16, 19),
        ("622126", "622925", 16, 19), ("300", "305", 14, 19), ("3095", "3095", 14, 19), ("36", "36", 14, 19), ("38", "39", 14, 19),
        ("3528", "3589", 16, 19), ("62", "62", 16, 19), ("50", "50", 13, 19), ("56", "69", 13, 19),
    ];

    /// <summary>How card numbers are printed: 4-6-5 (Amex), 4-6-4 (Diners), 4-4-5, else groups of four.</summary>
    private static string[] CardGroups(string n) => n.Length switch
    {
        15 => [n[..4], n[4..10], n[10..]],
        14 => [n[..4], n[4..10], n[10..]],
        13 => [n[..4], n[4..8], n[8..]],
        _ => [.. n.Chunk(4).Select(c => new string(c))],
    };

    /// <summary>
    /// Phone numbers written the way people write them: E.164 (+4915123456789), international with spaces, dashes or
    /// dots, national with the area code in parentheses, dashed, dotted or spaced, and behind tel:/phone- prefixes;
    /// from the US, Germany, the UK and France.
    /// </summary>
    public static List<(string Country, string Written)> PhoneNumbers(int perCountry = 150, int seed = 20261209)
    {
        var rng = new Random(seed);
        var written = new List<(string, string)>();
        string D(int n) => RandomString(rng, "0123456789", n);
        for (var i = 0; i < perCountry; i++)
        {
            var area = rng.Next(2, 10) + D(2);
            var exchange = rng.Next(2, 10) + D(2);
            var line = D(4);
            foreach (var form in new[]
                     {
                         $"+1{area}{exchange}{line}", $"+1 {area} {exchange} {line}", $"+1 ({area}) {exchange}-{line}", $"+1-{area}-{exchange}-{line}",
                         $"+1.{area}.{exchange}.{line}", $"({area}) {exchange}-{line}", $"({area}){exchange}-{line}", $"{area}-{exchange}-{line}",
                         $"{area}.{exchange}.{line}", $"{area} {exchange} {line}", $"tel:+1{area}{exchange}{line}", $"tel:{area}-{exchange}-{line}",
                     })
            {
                written.Add(("US", form));
            }

            var mobile = "15" + rng.Next(1, 10) + D(1);
            var subscriber = D(rng.Next(7, 9));
            foreach (var form in new[]
                     {
                         $"+49{mobile}{subscriber}", $"+49 {mobile} {subscriber}", $"+49 {mobile} {subscriber[..4]} {subscriber[4..]}",
                         $"0{mobile} {subscriber[..4]} {subscriber[4..]}", $"0{mobile}-{subscriber[..4]}-{subscriber[4..]}",
                         $"0{mobile}.{subscriber[..4]}.{subscriber[4..]}", $"(0{mobile}) {subscriber}", $"tel:+49{mobile}{subscriber}",
                         $"phone-0{mobile}-{subscriber}", $"mobile:+49{mobile}{subscriber}",
                     })
            {
                written.Add(("DE", form));
            }

            var uk = "7" + D(3);
            var ukRest = D(6);
            foreach (var form in new[]
                     {
                         $"+44{uk}{ukRest}", $"+44 {uk} {ukRest}", $"+44 {uk} {ukRest[..3]} {ukRest[3..]}", $"0{uk} {ukRest[..3]} {ukRest[3..]}",
                         $"0{uk}-{ukRest[..3]}-{ukRest[3..]}", $"tel:0{uk}{ukRest}",
                     })
            {
                written.Add(("UK", form));
            }

            var fr = rng.Next(6, 8).ToString(CultureInfo.InvariantCulture);
            var p = new[] { D(2), D(2), D(2), D(2) };
            foreach (var form in new[]
                     {
                         $"+33{fr}{string.Concat(p)}", $"+33 {fr} {string.Join(' ', p)}", $"0{fr} {string.Join(' ', p)}", $"0{fr}.{string.Join('.', p)}",
                         $"0{fr}-{string.Join('-', p)}",
                     })
            {
                written.Add(("FR", form));
            }
        }
        return written;
    }

    /// <summary>E-mail addresses: dotted and plus-addressed local parts, digits, subdomains, country domains, upper case.</summary>
    public static List<string> EmailAddresses(int count = 1000, int seed = 20261210)
    {
        var rng = new Random(seed);
        string[] first = ["jane", "john", "maria", "li", "olu", "anna", "k", "mehmet", "sofia", "p.j"];
        string[] last = ["doe", "smith", "garcia", "wei", "adeyemi", "novak", "o-neil", "yilmaz", "rossi", "x"];
        string[] domains = ["example.com", "mail.example.co.uk", "eu.mail.example.org", "example.de", "students.uni-example.edu", "example.io", "sub.example.fr"];
        var addresses = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var f = Pick(rng, first);
            var l = Pick(rng, last);
            var local = rng.Next(5) switch
            {
                0 => $"{f}.{l}",
                1 => $"{f}+{Pick(rng, "promo", "launch", "kickstarter", "1")}",
                2 => $"{f}_{l}{rng.Next(1, 2000)}",
                3 => $"{f[0]}{l}",
                _ => $"{f}.{l}+tag{rng.Next(100)}",
            };
            var address = $"{local}@{Pick(rng, domains)}";
            addresses.Add(rng.Next(4) == 0 ? address.ToUpperInvariant() : address);
        }
        return addresses;
    }

    public static char LuhnCheckDigit(string body)
    {
        for (var d = '0'; d <= '9'; d++)
        {
            if (PaymentNumbers.Luhn(body + d))
            {
                return d;
            }
        }
        throw new InvalidOperationException("unreachable: one check digit always fits");
    }

    private static long MintedMs(Random r) => r.NextInt64(MintedFrom.ToUnixTimeMilliseconds(), MintedUntil.ToUnixTimeMilliseconds());

    /// <summary>Twitter/Discord layout: milliseconds since the epoch, then 10 worker bits and a 12-bit sequence.</summary>
    private static string Snowflake(Random r, long epochMs, long? ms = null) =>
        (((ms ?? MintedMs(r)) - epochMs) << 22 | (long)r.Next(1024) << 12 | (long)r.Next(4096)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Auto-increment ids of tables from a few hundred rows to a trillion (log-uniform).</summary>
    private static string DatabaseId(Random r) => ((long)Math.Pow(10, 2 + r.NextDouble() * 10)).ToString(CultureInfo.InvariantCulture);

    private static string Prefixed(Random r, string digits) => Pick(r, "", "", "user_", "u_", "s_", "id-", "c", "cust_", "order-") + digits;

    private static Guid RandomUuid(Random r)
    {
        var bytes = new byte[16];
        r.NextBytes(bytes);
        bytes[7] = (byte)(bytes[7] & 0x0F | 0x40);
        bytes[8] = (byte)(bytes[8] & 0x3F | 0x80);
        return new Guid(bytes);
    }

    private static string UuidV7(Random r, long ms)
    {
        var hex = ms.ToString("x12", CultureInfo.InvariantCulture) + "7" + RandomString(r, Hex, 3) + Hex[8 + r.Next(4)] + RandomString(r, Hex, 15);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private static string Ulid(Random r, long ms)
    {
        var sb = new StringBuilder(26);
        for (var shift = 45; shift >= 0; shift -= 5)
        {
            sb.Append(Crockford[(int)(ms >> shift & 31)]);
        }
        return sb.Append(RandomString(r, Crockford, 16)).ToString();
    }

    private static string RandomString(Random r, string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[r.Next(alphabet.Length)];
        }
        return new string(chars);
    }

    private static T Pick<T>(Random r, params T[] items) => items[r.Next(items.Length)];
}
