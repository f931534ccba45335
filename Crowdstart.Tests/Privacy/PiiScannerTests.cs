using Crowdstart.Pipeline.Privacy;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Privacy;

[Layer(TestLayer.Unit)]
public class PiiScannerTests
{
    [Theory]
    [InlineData("write to jane.doe@example.com please", PiiScanner.Email)]
    [InlineData("JANE+promo@Example.co.uk", PiiScanner.Email)]
    [InlineData("call +49 151 2345 6789", PiiScanner.Phone)]
    [InlineData("(555) 123-4567", PiiScanner.Phone)]
    [InlineData("555.123.4567", PiiScanner.Phone)]
    [InlineData("+1 202 555 0143", PiiScanner.Phone)]
    [InlineData("card 4111 1111 1111 1111", PiiScanner.Card)]
    [InlineData("5500-0000-0000-0004", PiiScanner.Card)]
    [InlineData("378282246310005", PiiScanner.Card)]
    [InlineData("from 203.0.113.45", PiiScanner.IpAddress)]
    [InlineData("2001:db8::8a2e:370:7334", PiiScanner.IpAddress)]
    [InlineData("::ffff:192.0.2.128", PiiScanner.IpAddress)]
    [InlineData("DE89 3704 0044 0532 0130 00", PiiScanner.Iban)]
    [InlineData("GB82WEST12345698765432", PiiScanner.Iban)]
    [InlineData("2026-01-01 4111 1111 1111 1111", PiiScanner.Card)]
    [InlineData("2026-01-01 0151 2345 6789", PiiScanner.Phone)]
    public void FindInText_PersonalData_IsFoundWithItsKind(string text, string kind) =>
        Assert.Equal(kind, PiiScanner.FindInText(text));

    [Theory]
    [InlineData("early_bird")]
    [InlineData("2026-11-26T14:05:00Z")]
    [InlineData("2026-11-26 14:05")]
    [InlineData("14:05:00")]
    [InlineData("v1.2.3")]
    [InlineData("order of 1234 units")]
    [InlineData("1332694661860079123")] // a snowflake: too long for a phone, no issuer prefix for a card
    [InlineData("4111 1111 1111 1112")] // fails Luhn and is too long for a phone number
    [InlineData("DE89 3704 0044 0532 0130 01")] // fails the IBAN checksum
    [InlineData("team@")]
    [InlineData("utm_campaign=spring_launch")]
    public void FindInText_OrdinaryAnalyticsValues_AreNotFlagged(string text) =>
        Assert.Null(PiiScanner.FindInText(text));

    [Theory]
    [InlineData("jane@example.com", PiiScanner.Email)]
    [InlineData("+4915123456789", PiiScanner.Phone)]
    [InlineData("0151-2345-6789", PiiScanner.Phone)]
    [InlineData("555.123.4567", PiiScanner.Phone)]
    [InlineData("(555) 123-4567", PiiScanner.Phone)]
    [InlineData("5500-0000-0000-0004", PiiScanner.Card)]
    [InlineData("5500 0000 0000 0004", PiiScanner.Card)]
    [InlineData("3782-822463-10005", PiiScanner.Card)]
    [InlineData("card-5500-0000-0000-0004", PiiScanner.Card)]
    [InlineData("cc:4111.1111.1111.1111", PiiScanner.Card)]
    [InlineData("4111111111111111", PiiScanner.Card)]
    [InlineData("192.168.1.20", PiiScanner.IpAddress)]
    [InlineData("c4111111111111111", PiiScanner.Card)]
    [InlineData("tel:4915123456789", PiiScanner.Phone)]
    [InlineData("tel:4915399716815", PiiScanner.Phone)] // also a Luhn-valid 13-digit Visa number
    [InlineData("phone-0151-2345678", PiiScanner.Phone)]
    // Short ids at the edge of the one-pass pre-check: each has just enough to hold its kind.
    [InlineData("1.2.3.4", PiiScanner.IpAddress)]
    [InlineData("a@b.co", PiiScanner.Email)]
    [InlineData("+5550100", PiiScanner.Phone)]
    [InlineData("tel:5550100", PiiScanner.Phone)]
    [InlineData("DE89370400440532013000", PiiScanner.Iban)]
    [InlineData("de89370400440532013000", PiiScanner.Iban)]
    [InlineData("GB29 NWBK 6016 1331 9268 19", PiiScanner.Iban)]
    [InlineData("iban:NL91ABNA0417164300", PiiScanner.Iban)]
    public void FindInId_IdThatIsPersonalData_IsFound(string id, string kind) =>
        Assert.Equal(kind, PiiScanner.FindInId(id));

    [Theory]
    [InlineData("c-8f3a2b")]
    [InlineData("12345")]
    [InlineData("user_00042")]
    [InlineData("5f0e4c1a-9d7b-4c8e-a1f2-1b2c3d4e5f60")]
    [InlineData("2026-11-26")]
    [InlineData("telemetry-12345678")]
    [InlineData("order-1700000000")]
    [InlineData("c-8f3a4111111111111111b2")] // a hex id whose digits happen to pass Luhn
    [InlineData("5f0e41111111111111116a1f")]
    [InlineData("s-123456")]
    [InlineData("v1.2.3")]
    // Numeric ids: Luhn alone is passed by one in ten of them, so it does not make a card number.
    [InlineData("s_1332694661860079")]
    [InlineData("1332694661860079123")]
    [InlineData("user_123456789012")]
    [InlineData("1733443200000")]
    [InlineData("evt-1733443200123")]
    // A bare digit string is an id: a database id and a phone number without its '+' cannot be told apart.
    [InlineData("123456789012")]
    [InlineData("4915123456789")]
    [InlineData("4111111111111112")] // issuer prefix and length of a Visa card, but fails Luhn
    [InlineData("DE89370400440532013001")] // a German IBAN's shape, but fails mod 97
    [InlineData("DE8937040044053201300")] // mod 97 aside, one character short of a German IBAN
    [InlineData("ab12cd34ef56gh78ij90")] // IBAN-shaped, but "AB" is no IBAN country
    public void FindInId_OpaqueIds_AreAccepted(string id) => Assert.Null(PiiScanner.FindInId(id));

    [Theory]
    [InlineData(4915123456789d, "4915123456789", PiiScanner.Phone)]
    [InlineData(4111111111111111d, "4111111111111111", PiiScanner.Card)]
    [InlineData(612345678d, "612345678e0", PiiScanner.Phone)]
    [InlineData(612345678d, "612345678.0", PiiScanner.Phone)]
    [InlineData(12d, "12", null)]
    [InlineData(99.5d, "99.5", null)]
    [InlineData(250000d, "250000", null)]
    public void FindInNumber_PhoneOrCardLengthIntegers_AreFlagged(double value, string raw, string? kind) =>
        Assert.Equal(kind, PiiScanner.FindInNumber(value, raw));

    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("4222222222222")] // Visa, 13 digits
    [InlineData("5500000000000004")]
    [InlineData("2223003122003222")]
    [InlineData("378282246310005")]
    [InlineData("6011111111111117")]
    [InlineData("30569309025904")]
    [InlineData("3566002020360505")]
    [InlineData("6205500000000000004")] // UnionPay, 19 digits
    [InlineData("6759649826438453")]
    public void IsCardNumber_PublicTestNumbersOfEachNetwork_AreCards(string digits) => Assert.True(PaymentNumbers.IsCardNumber(digits));

    [Theory]
    [InlineData("1332694661860079")] // passes Luhn, but no network issues numbers starting with 1
    [InlineData("3782822463100052")] // Amex prefix and Luhn, but Amex numbers have 15 digits
    [InlineData("411111111111116")] // Visa prefix and Luhn, but Visa numbers have 13, 16 or 19 digits
    [InlineData("555555555555444418")] // Mastercard prefix and Luhn, but Mastercard numbers have 16 digits
    [InlineData("4111111111111112")] // fails Luhn
    [InlineData("700000000000003")]
    public void IsCardNumber_WrongIssuerLengthOrChecksum_IsNotACard(string digits) => Assert.False(PaymentNumbers.IsCardNumber(digits));

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("79927398713", true)]
    public void Luhn_KnownNumbers_MatchTheChecksum(string digits, bool valid) => Assert.Equal(valid, PaymentNumbers.Luhn(digits));
}
