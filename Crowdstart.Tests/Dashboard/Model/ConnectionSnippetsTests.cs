using Crowdstart.Dashboard.Model;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Model;

/// <summary>The keys page's snippets, "last event" wording and the revoke confirmation rule.</summary>
[Layer(TestLayer.Unit)]
public class ConnectionSnippetsTests
{
    private static readonly Guid Campaign = Guid.Parse("6a1f3c2e-0b7d-4f7e-9d7a-1c0f5e2a9b01");
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void For_KeyJustCreated_EverySnippetCarriesHostCampaignAndKey()
    {
        // Act
        var snippets = ConnectionSnippets.For("http://127.0.0.1:5080/", Campaign, "cs_live_abc123");

        // Assert
        Assert.Contains("http://127.0.0.1:5080/api/v1/events", snippets.EventsCurl);
        Assert.Contains("Bearer cs_live_abc123", snippets.EventsCurl);
        Assert.Contains(Campaign.ToString(), snippets.EventsCurl);
        Assert.Contains("http://127.0.0.1:5080/v1/batch -u \"cs_live_abc123:\"", snippets.SegmentCurl);
        Assert.Contains("host: 'http://127.0.0.1:5080'", snippets.Node);
        Assert.Contains("writeKey: 'cs_live_abc123'", snippets.Node);
    }

    [Fact]
    public void For_NoKeyShown_Placeholder()
    {
        // Act
        var snippets = ConnectionSnippets.For("https://analytics.example.com/", Campaign, null);

        // Assert
        Assert.Contains(ConnectionSnippets.KeyPlaceholder, snippets.EventsCurl);
        Assert.Contains(ConnectionSnippets.KeyPlaceholder, snippets.SegmentCurl);
        Assert.Contains(ConnectionSnippets.KeyPlaceholder, snippets.Node);
    }

    [Theory]
    [InlineData(null, "never")]
    [InlineData(0.2, "just now")]
    [InlineData(12.0, "12 s ago")]
    [InlineData(300.0, "5 min ago")]
    [InlineData(7200.0, "2 h ago")]
    [InlineData(172800.0, "4 Dec 2026 12:00 UTC")]
    public void Ago_Age_Worded(double? secondsAgo, string expected) =>
        Assert.Equal(expected, ConnectionSnippets.Ago(secondsAgo is { } s ? Now.AddSeconds(-s) : null, Now));

    [Theory]
    [InlineData(null, false)]
    [InlineData(60.0, true)]
    [InlineData(3599.0, true)]
    [InlineData(3601.0, false)]
    public void RecentlyUsed_LastEventAge_ConfirmationWithinTheHour(double? secondsAgo, bool expected) =>
        Assert.Equal(expected, ConnectionSnippets.RecentlyUsed(secondsAgo is { } s ? Now.AddSeconds(-s) : null, Now));
}
