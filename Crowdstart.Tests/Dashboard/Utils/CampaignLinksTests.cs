using Crowdstart.Dashboard.Utils;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Dashboard.Utils;

/// <summary>Absolute campaign links for chat messages: the public address, else a listening address that is not a wildcard, else none.</summary>
[Layer(TestLayer.Unit)]
public class CampaignLinksTests
{
    private static readonly Guid Campaign = Guid.Parse("0b9c6c1e-5f1a-4d55-9a7c-2f0b1f3d9e10");

    private static CampaignLinks Links(string? publicUrl, string? urls) => new(Options.Create(new AlertOptions { PublicUrl = publicUrl }),
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Urls"] = urls }).Build());

    [Theory]
    [InlineData("https://analytics.example.com", null, "https://analytics.example.com/campaigns/0b9c6c1e-5f1a-4d55-9a7c-2f0b1f3d9e10")]
    [InlineData("https://example.com/crowdstart/", "http://127.0.0.1:5080", "https://example.com/crowdstart/campaigns/0b9c6c1e-5f1a-4d55-9a7c-2f0b1f3d9e10")]
    [InlineData(null, "http://127.0.0.1:5080;http://127.0.0.1:5090", "http://127.0.0.1:5080/campaigns/0b9c6c1e-5f1a-4d55-9a7c-2f0b1f3d9e10")]
    public void CampaignPage_KnownAddress_IsTheLivePageOnIt(string? publicUrl, string? urls, string expected)
    {
        Assert.Equal(expected, Links(publicUrl, urls).CampaignPage(Campaign)?.AbsoluteUri);
    }

    [Theory]
    [InlineData(null, "http://0.0.0.0:5080")]
    [InlineData(null, "http://+:5080")]
    [InlineData(null, "http://*:5080")]
    [InlineData(null, null)]
    public void CampaignPage_NoUsableAddress_NoLink(string? publicUrl, string? urls)
    {
        Assert.Null(Links(publicUrl, urls).CampaignPage(Campaign));
    }
}
