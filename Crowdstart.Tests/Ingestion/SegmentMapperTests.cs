using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Ingestion;

/// <summary>The Segment → Crowdstart mapping of docs/segment.md: event names, money, sources, sessions, ids, skew.</summary>
[Layer(TestLayer.Unit)]
public class SegmentMapperTests
{
    private static readonly Guid Campaign = Guid.Parse("6f1c1d8e-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset ReceivedAt = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly SegmentMapper _mapper = new(new PrivacyOptions());

    private SegmentOutcome Map(string json, string? call = null, IReadOnlyDictionary<string, string>? own = null, DateTimeOffset? sentAt = null)
    {
        using var doc = JsonDocument.Parse(json);
        return _mapper.Map(doc.RootElement, call, Campaign, ReceivedAt, sentAt, own);
    }

    private static JsonElement Event(SegmentOutcome outcome) => JsonDocument.Parse(outcome.EventJson!).RootElement;

    [Theory]
    [InlineData("Product Viewed", "reward_view")]
    [InlineData("Product Added", "cart_created")]
    [InlineData("Checkout Started", "checkout_started")]
    [InlineData("Payment Failed", "checkout_failed")]
    [InlineData("order completed", "pledge_completed")]
    [InlineData("Order Refunded", "pledge_refunded")]
    [InlineData("pledge_completed", "pledge_completed")]
    public void Map_SpecEventName_GivesOurType(string name, string expected)
    {
        // Act
        var outcome = Map("""{"type":"track","event":""" + JsonSerializer.Serialize(name) + ""","userId":"u-1","properties":{"total":5,"currency":"EUR"}}""");

        // Assert
        Assert.Equal(SegmentOutcomeKind.Mapped, outcome.Kind);
        Assert.Equal(expected, Event(outcome).GetProperty("type").GetString());
    }

    [Fact]
    public void Map_UnknownTrackEvent_RejectedWithReasonNamingTheKeysPage()
    {
        // Act
        var outcome = Map("""{"type":"track","event":"Signed Up","userId":"u-1"}""");

        // Assert
        Assert.Equal(SegmentOutcomeKind.Rejected, outcome.Kind);
        Assert.Equal("event", outcome.Field);
        Assert.Contains("ingest keys page", outcome.Reason);
        Assert.Equal("track \"Signed Up\"", outcome.EventName);
    }

    [Fact]
    public void Map_CampaignOwnName_OverridesAndIgnores()
    {
        // Arrange
        var own = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Backed Project"] = "pledge_completed", ["Signed Up"] = "ignore" };

        // Act
        var backed = Map("""{"type":"track","event":"backed project","userId":"u-1","properties":{"revenue":12.5,"currency":"EUR"}}""", own: own);
        var ignored = Map("""{"type":"track","event":"Signed Up","userId":"u-1"}""", own: own);

        // Assert
        Assert.Equal("pledge_completed", Event(backed).GetProperty("type").GetString());
        Assert.Equal(12.5m, Event(backed).GetProperty("amount").GetDecimal());
        Assert.Equal(SegmentOutcomeKind.Dropped, ignored.Kind);
    }

    [Fact]
    public void Map_IdentifyWithTraits_DroppedWithNothingKept()
    {
        // Act
        var outcome = Map("""{"userId":"u-1","traits":{"email":"ada@example.com","name":"Ada"}}""", call: "identify");

        // Assert
        Assert.Equal(SegmentOutcomeKind.Dropped, outcome.Kind);
        Assert.Null(outcome.EventJson);
    }

    [Fact]
    public void Map_OrderCompleted_TotalBeforeRevenueAndCurrencyAndProductAsReward()
    {
        // Act
        var e = Event(Map("""
            {"type":"track","event":"Order Completed","anonymousId":"anon-7","properties":{"total":55,"revenue":50,"currency":"EUR",
             "product_id":"early_bird","quantity":2,"payment_method":"card","name":"Ada Lovelace","price":27.5}}
            """));

        // Assert
        Assert.Equal(55m, e.GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", e.GetProperty("currency").GetString());
        Assert.Equal("anon-7", e.GetProperty("customerId").GetString());
        var props = e.GetProperty("properties");
        Assert.Equal("early_bird", props.GetProperty("reward").GetString());
        Assert.Equal(2, props.GetProperty("quantity").GetInt32());
        Assert.Equal("card", props.GetProperty("payment").GetString());
        Assert.False(props.TryGetProperty("name", out _)); // not on the allowlist: never copied
        Assert.False(props.TryGetProperty("price", out _));
    }

    [Fact]
    public void Map_UserIdAndAnonymousId_UserIdWins()
    {
        // Act
        var e = Event(Map("""{"type":"page","userId":"user-9","anonymousId":"anon-9"}"""));

        // Assert
        Assert.Equal("user-9", e.GetProperty("customerId").GetString());
        Assert.Equal("page_view", e.GetProperty("type").GetString());
    }

    [Fact]
    public void Map_NoUserIdNorAnonymousId_Rejected()
    {
        // Act
        var outcome = Map("""{"type":"track","event":"Product Viewed"}""");

        // Assert
        Assert.Equal(SegmentOutcomeKind.Rejected, outcome.Kind);
        Assert.Equal("userId", outcome.Field);
    }

    [Fact]
    public void OccurredAt_SentAtAndTimestamp_CorrectedBySkew()
    {
        // Arrange: the client's clock is 90 s ahead; the event happened 10 s before it was sent
        using var doc = JsonDocument.Parse("""{"timestamp":"2026-12-06T12:01:20Z","sentAt":"2026-12-06T12:01:30Z"}""");

        // Act
        var at = SegmentMapper.OccurredAt(doc.RootElement, ReceivedAt, null, out var error);

        // Assert: receivedAt − (sentAt − timestamp)
        Assert.Null(error);
        Assert.Equal(ReceivedAt.AddSeconds(-10), at);
    }

    [Fact]
    public void OccurredAt_RequestSentAtOnly_UsedForEveryMessage()
    {
        // Arrange
        using var doc = JsonDocument.Parse("""{"timestamp":"2026-12-06T11:00:00Z"}""");

        // Act
        var at = SegmentMapper.OccurredAt(doc.RootElement, ReceivedAt, new DateTimeOffset(2026, 12, 6, 11, 0, 5, TimeSpan.Zero), out _);

        // Assert
        Assert.Equal(ReceivedAt.AddSeconds(-5), at);
    }

    [Fact]
    public void OccurredAt_NoTimestamp_ReceivedAt()
    {
        // Arrange
        using var doc = JsonDocument.Parse("""{"sentAt":"2026-12-06T11:00:00Z"}""");

        // Act
        var at = SegmentMapper.OccurredAt(doc.RootElement, ReceivedAt, null, out _);

        // Assert
        Assert.Equal(ReceivedAt, at);
    }

    [Fact]
    public void OccurredAt_NotADate_ErrorNamesTimestamp()
    {
        // Arrange
        using var doc = JsonDocument.Parse("""{"timestamp":"yesterday"}""");

        // Act
        var at = SegmentMapper.OccurredAt(doc.RootElement, ReceivedAt, null, out var error);

        // Assert
        Assert.Null(at);
        Assert.Equal("timestamp", error!.Value.Field);
    }

    [Theory]
    [InlineData("reddit", "social", null, "social:reddit")]
    [InlineData("facebook", "cpc", null, "ads")]
    [InlineData("newsletter", "email", null, "email")]
    [InlineData("google", "organic", null, "search")]
    [InlineData("gadgetflow.com", "referral", null, "referral:gadgetflow.com")]
    [InlineData(null, null, "old.reddit.com", "social:reddit")]
    [InlineData(null, null, "google.com", "search")]
    [InlineData(null, null, "boardgamegeek.com", "referral:boardgamegeek.com")]
    [InlineData(null, null, null, "direct")]
    public void Source_UtmAndReferrer_OurSource(string? utmSource, string? utmMedium, string? referrerHost, string expected) =>
        Assert.Equal(expected, SegmentSources.Source(utmSource, utmMedium, referrerHost));

    [Fact]
    public void Map_PageWithReferrerAndUtm_SourceAndPageViewProperties()
    {
        // Act
        var e = Event(Map("""
            {"type":"page","anonymousId":"a-1","properties":{"path":"/lamp","referrer":"https://www.gadgetflow.com/x?y=1"},
             "context":{"campaign":{"source":"reddit","medium":"social","name":"launch"}}}
            """));

        // Assert
        Assert.Equal("social:reddit", e.GetProperty("source").GetString());
        var props = e.GetProperty("properties");
        Assert.Equal("/lamp", props.GetProperty("page").GetString());
        Assert.Equal("reddit", props.GetProperty("utm_source").GetString());
        Assert.Equal("launch", props.GetProperty("utm_campaign").GetString());
        Assert.Equal("gadgetflow.com", props.GetProperty("referrer_domain").GetString());
    }

    [Fact]
    public void SessionId_NoContextSession_DerivedFromCustomerAndUtcDay()
    {
        // Arrange: the documented rule, computed here on its own
        var expected = "sg-" + string.Concat(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("u-1|2026-12-06")))[..16]
            .Select(h => (char)('a' + Convert.ToInt32(h.ToString(), 16))));

        // Act
        var morning = SegmentMapper.SessionId(default, "u-1", new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
        var evening = SegmentMapper.SessionId(default, "u-1", new DateTimeOffset(2026, 12, 6, 23, 59, 0, TimeSpan.Zero));
        var next = SegmentMapper.SessionId(default, "u-1", new DateTimeOffset(2026, 12, 7, 0, 0, 1, TimeSpan.Zero));
        using var context = JsonDocument.Parse("""{"sessionId":1733480000}""");
        var sent = SegmentMapper.SessionId(context.RootElement, "u-1", DateTimeOffset.UnixEpoch);

        // Assert
        Assert.Equal(expected, morning);
        Assert.Equal(morning, evening);
        Assert.NotEqual(morning, next);
        Assert.Equal("1733480000", sent);
    }

    [Fact]
    public void SessionId_AnyCustomer_NeverRefusedAsPersonalData()
    {
        // Arrange: derived ids once spelled card numbers in hex ("sg-" + 16 digits passing Luhn) and were refused
        var day = new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

        // Act
        var refused = Enumerable.Range(0, 100_000).Select(i => SegmentMapper.SessionId(default, $"c-{i}", day))
            .Where(id => Crowdstart.Pipeline.Privacy.PiiScanner.FindInId(id) is not null).ToList();

        // Assert
        Assert.Empty(refused);
    }

    [Fact]
    public void EventId_SameMessageIdSameCampaign_SameId()
    {
        // Arrange
        using var a = JsonDocument.Parse("""{"messageId":"node-next-1-abc","sentAt":"2026-12-06T11:00:00Z"}""");
        using var b = JsonDocument.Parse("""{"messageId":"node-next-1-abc","sentAt":"2026-12-06T11:00:09Z"}""");
        using var c = JsonDocument.Parse("""{"messageId":"node-next-2-abc"}""");

        // Act
        var first = SegmentMapper.EventId(Campaign, a.RootElement);

        // Assert
        Assert.Equal(first, SegmentMapper.EventId(Campaign, b.RootElement));
        Assert.NotEqual(first, SegmentMapper.EventId(Campaign, c.RootElement));
        Assert.NotEqual(first, SegmentMapper.EventId(Guid.NewGuid(), a.RootElement));
        Assert.Equal(5, first.Version);
    }

    [Fact]
    public void Map_BatchMessageWithoutType_Rejected()
    {
        // Act
        var outcome = Map("""{"event":"Order Completed","userId":"u"}""");

        // Assert
        Assert.Equal(SegmentOutcomeKind.Rejected, outcome.Kind);
        Assert.Equal("type", outcome.Field);
    }

    [Theory]
    [InlineData("customerId", "userId")]
    [InlineData("occurredAt", "timestamp")]
    [InlineData("amount", "properties.total")]
    [InlineData("properties.reward", "properties.product_id")]
    [InlineData("properties.quantity", "properties.quantity")]
    public void FieldFor_OurField_SegmentField(string ours, string segment) => Assert.Equal(segment, SegmentMapper.FieldFor(ours));

    [Theory]
    [InlineData("Order Completed", "Order Completed")]
    [InlineData("mail ada@example.com now", "[redacted]")]
    [InlineData("call +44 20 7946 0958", "[redacted]")]
    public void Clean_ClientText_PersonalDataRedacted(string text, string expected) => Assert.Equal(expected, IngestActivity.Clean(text, 80));

    [Fact]
    public void Clean_LongTextWithControls_TruncatedWithoutControls() =>
        Assert.Equal(new string('a', 10), IngestActivity.Clean("aaaaa\u0001\naaaaaaaaaaaa", 10));
}
