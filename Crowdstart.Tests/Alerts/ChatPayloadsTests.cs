using System.Text.Json;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Alerts;

/// <summary>
/// The chat message builders: each format's payload passes its service's documented schema, carries the numbers, the
/// severity colour and the campaign link, keeps hostile campaign names as inert text, stays within the limits, and
/// words a resolved alert as over.
/// </summary>
[Layer(TestLayer.Unit)]
public sealed class ChatPayloadsTests
{
    private static readonly DateTimeOffset Opened = new(2026, 12, 6, 13, 53, 0, TimeSpan.Zero);
    private static readonly Uri Link = new("https://analytics.example.com/campaigns/6a1f3c2e-0b7d-4f7e-9d7a-1c0f5e2a9b01");

    private static AlertInfo Alert(string severity = "Critical", string status = "open", DateTimeOffset? resolvedAt = null, string? resolvedBy = null,
        string message = "Checkout conversion fell to 12 % over the last 5 min (3 of 25; baseline 31 %–44 %)") =>
        new(Guid.NewGuid(), Guid.NewGuid(), DetectorKinds.CheckoutConversionDrop, "campaign", status, severity, message, 0.12, 0.31, 0.44,
            Opened, Opened, null, null, null, resolvedAt, resolvedBy);

    private static AlertNotice Notice(string @event = AlertNotice.Opened, AlertInfo? alert = null, string campaign = "Aurora Lamp", Uri? link = null) =>
        new(@event, alert ?? Alert(), campaign, link ?? Link, Opened.AddSeconds(5));

    public static TheoryData<string> ChatFormats => new() { WebhookFormats.Slack, WebhookFormats.Discord, WebhookFormats.Teams };

    public static TheoryData<string, string> HostileNames => new()
    {
        { WebhookFormats.Slack, "<!channel> <script>alert(1)</script> & @everyone <@U123> <https://evil.example|click>" },
        { WebhookFormats.Discord, "@everyone @here <@123> <#456> [click](https://evil.example) **bold** <script>" },
        { WebhookFormats.Teams, "<at>Everyone</at> <script>alert(1)</script> [click](https://evil.example) {{DATE(x)}} **bold** &amp;" },
    };

    [Theory]
    [MemberData(nameof(ChatFormats))]
    public void Build_OpenedAlert_PassesTheServiceSchemaWithColourNumbersAndLink(string format)
    {
        // Act
        var body = ChatPayloads.Build(format, Notice());

        // Assert
        Assert.Empty(ChatSchemas.Check(format, body));
        Assert.Contains("Checkout → pledge conversion drop", body);
        Assert.Contains("Aurora Lamp", body);
        Assert.Contains("12 %", body);
        Assert.Contains("31 %–44 %", body);
        Assert.Contains(Link.AbsoluteUri, body);
        using var doc = JsonDocument.Parse(body);
        switch (format)
        {
            case WebhookFormats.Slack:
                var attachment = doc.RootElement.GetProperty("attachments")[0];
                Assert.Equal("#D32F2F", attachment.GetProperty("color").GetString());
                Assert.Equal(Link.AbsoluteUri, attachment.GetProperty("title_link").GetString());
                // Times as Slack date tokens: shown in each reader's own zone, UTC where Slack cannot.
                Assert.Contains($"<!date^{Opened.ToUnixTimeSeconds()}^{{time}}|13:53 UTC>", body);
                break;
            case WebhookFormats.Discord:
                var embed = doc.RootElement.GetProperty("embeds")[0];
                Assert.Equal(0xD32F2F, embed.GetProperty("color").GetInt32());
                Assert.Equal(Link.AbsoluteUri, embed.GetProperty("url").GetString());
                Assert.Contains($"<t:{Opened.ToUnixTimeSeconds()}:t>", body);
                break;
            case WebhookFormats.Teams:
                var card = doc.RootElement.GetProperty("attachments")[0].GetProperty("content");
                Assert.Equal("Attention", card.GetProperty("body")[0].GetProperty("items")[0].GetProperty("color").GetString());
                Assert.Equal(Link.AbsoluteUri, card.GetProperty("actions")[0].GetProperty("url").GetString());
                Assert.Contains("{{TIME(2026-12-06T13:53:00Z)}}", body);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void Build_HostileCampaignName_StaysInertTextForTheService(string format, string name)
    {
        // Act
        var body = ChatPayloads.Build(format, Notice(campaign: name));

        // Assert: the receiver's checks find no mention, tag, link or expression the app did not put there
        Assert.Empty(ChatSchemas.Check(format, body));
        Assert.DoesNotContain("<script>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<at>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil.example", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[click](", body, StringComparison.Ordinal);
        if (format == WebhookFormats.Discord)
        {
            // Ordinal: a culture-aware search skips the zero-width space that breaks the mention.
            Assert.DoesNotContain("@everyone", body, StringComparison.Ordinal);
            Assert.Contains("@\u200Beveryone", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("<!channel>", "&lt;!channel&gt;")]
    [InlineData("Tom & Jerry <3", "Tom &amp; Jerry &lt;3")]
    public void SlackEscape_ControlCharacters_AreEntities(string raw, string expected) => Assert.Equal(expected, ChatPayloads.SlackEscape(raw));

    [Fact]
    public void DiscordEscape_MentionsAndMarkdown_AreLiteral()
    {
        Assert.Equal("@\u200Beveryone \\*\\*x\\*\\* \\<@\u200B1\\>", ChatPayloads.DiscordEscape("@everyone **x** <@1>"));
    }

    [Fact]
    public void TeamsEscape_TagsMarkdownAndExpressions_AreLiteral()
    {
        Assert.Equal("&lt;at&gt;x&lt;/at&gt; \\[a\\](b) {\u200B{\u200BDATE()}}", ChatPayloads.TeamsEscape("<at>x</at> [a](b) {{DATE()}}"));
    }

    [Theory]
    [MemberData(nameof(ChatFormats))]
    public void Build_VeryLongTexts_StayWithinTheServiceLimits(string format)
    {
        // Arrange: a name and a message far beyond every limit, full of characters that grow when escaped
        var notice = Notice(alert: Alert(message: string.Concat(Enumerable.Repeat("<&*_@everyone> ", 800))), campaign: string.Concat(Enumerable.Repeat("<*>", 400)));

        // Act
        var body = ChatPayloads.Build(format, notice);

        // Assert
        Assert.Empty(ChatSchemas.Check(format, body));
        Assert.Contains("…", body);
    }

    [Theory]
    [MemberData(nameof(ChatFormats))]
    public void Build_ResolvedAlert_SaysRecoveredWithDurationAndNotAsOngoing(string format)
    {
        // Arrange
        var alert = Alert(status: "resolved", resolvedAt: Opened.AddMinutes(12));

        // Act
        var body = ChatPayloads.Build(format, Notice(AlertNotice.Resolved, alert));

        // Assert: green, "Recovered", how long it lasted, and the detector's sentence only as what was last seen
        Assert.Empty(ChatSchemas.Check(format, body));
        Assert.Contains("Recovered", body);
        Assert.Contains("after 12 min", body);
        Assert.Contains("Last reading while open", body);
        Assert.Contains("Last value", body);
        Assert.DoesNotContain("Critical: ", body);
        Assert.True(body.Contains("#2E7D32") || body.Contains(0x2E7D32.ToString()) || body.Contains("\"Good\""), body);
    }

    [Fact]
    public void Build_NoPublicAddress_MessageWithoutLinkStillValid()
    {
        foreach (var format in WebhookFormats.All.Where(f => f != WebhookFormats.Json))
        {
            var body = ChatPayloads.Build(format, Notice() with { Link = null });
            Assert.Empty(ChatSchemas.Check(format, body));
            Assert.DoesNotContain("analytics.example.com", body);
        }
    }

    [Fact]
    public void Notice_ControlCharactersInName_AreDroppedSoTheyCannotForgeTimeTokens()
    {
        // Arrange: the formats use two control characters as placeholders for time tokens
        var notice = Notice(campaign: "Lamp \u00010\u0002 x", link: Link);

        // Act
        var body = ChatPayloads.Build(WebhookFormats.Slack, notice);

        // Assert
        Assert.Equal("Lamp 0 x", notice.CampaignName);
        Assert.Empty(ChatSchemas.Check(WebhookFormats.Slack, body));
    }

    [Theory]
    [InlineData(null, "Recovered at 14:05 UTC after 12 min")]
    [InlineData("maya@aurora.demo", "Resolved by maya@aurora.demo at 14:05 UTC after 12 min")]
    [InlineData("system: campaign ended", "Closed at 14:05 UTC after 12 min (campaign ended)")]
    public void Outcome_ResolvedAlert_SaysHowAndWhenItEnded(string? by, string expected)
    {
        Assert.Equal(expected, AlertWording.Outcome(Opened, Opened.AddMinutes(12), by, AlertWording.Utc));
    }

    [Fact]
    public void Summary_LiveAlert_IsTheDetectorsMessage()
    {
        var alert = Alert();

        Assert.Equal(alert.Message, AlertWording.Summary(alert, AlertWording.Utc));
        Assert.Null(AlertWording.Outcome(alert.OpenedAt, null, null, AlertWording.Utc));
    }

    [Theory]
    [InlineData("JSON", "json")]
    [InlineData(" Slack ", "slack")]
    [InlineData(null, "json")]
    [InlineData("teams", "teams")]
    [InlineData("msteams", null)]
    public void Parse_FormatNames_KnownOnesOnly(string? given, string? expected) => Assert.Equal(expected, WebhookFormats.Parse(given));
}
