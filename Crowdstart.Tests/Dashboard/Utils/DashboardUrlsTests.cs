using Crowdstart.Dashboard.Utils;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Utils;

/// <summary>Page links: one place, free text escaped.</summary>
[Layer(TestLayer.Unit)]
public class DashboardUrlsTests
{
    private static readonly Guid Campaign = Guid.Parse("0b9c6c1e-5f1a-4d55-9a7c-2f0b1f3d9e10");

    [Fact]
    public void CustomerTimeline_IdWithReservedCharacters_IsOnePathSegment()
    {
        var url = DashboardUrls.CustomerTimeline(Campaign, "c/1?x=#2 3");

        Assert.Equal($"/campaigns/{Campaign}/customers/c%2F1%3Fx%3D%232%203", url);
    }

    [Fact]
    public void Explore_WithAndWithoutSharedQuery_LinksTheExplorer()
    {
        Assert.Equal("/explore", DashboardUrls.Explore());
        Assert.Equal("/explore?q=eyJhIjoxfQ", DashboardUrls.Explore("eyJhIjoxfQ"));
    }

    [Fact]
    public void Login_ReturnUrlAndError_AreEscapedQueryValues()
    {
        Assert.Equal("/account/login", DashboardUrls.Login());
        Assert.Equal("/account/login?error=locked&returnUrl=%2Fcampaigns%2Fx%3Frange%3D1h", DashboardUrls.Login("/campaigns/x?range=1h", "locked"));
    }

    [Fact]
    public void CampaignSettingsAndShare_SettingsPageAndItsShareSection()
    {
        Assert.Equal($"/campaigns/{Campaign}/settings", DashboardUrls.CampaignSettings(Campaign));
        Assert.Equal($"/campaigns/{Campaign}/settings#share", DashboardUrls.CampaignShare(Campaign));
    }

    [Fact]
    public void Shared_Token_IsOnePathSegment()
    {
        Assert.Equal("/share/cs_share_a-b_c", DashboardUrls.Shared("cs_share_a-b_c"));
        Assert.Equal("/share/x%2Fy%3Fz", DashboardUrls.Shared("x/y?z"));
    }

    [Fact]
    public void CampaignPages_AllUnderTheCampaign()
    {
        var root = DashboardUrls.Campaign(Campaign);

        Assert.Equal($"/campaigns/{Campaign}", root);
        Assert.Equal(root + "/keys", DashboardUrls.CampaignKeys(Campaign));
        Assert.Equal(root + "/alerts", DashboardUrls.CampaignAlerts(Campaign));
        Assert.Equal(root + "/webhooks", DashboardUrls.CampaignWebhooks(Campaign));
        Assert.Equal(root + "/customers", DashboardUrls.CampaignCustomers(Campaign));
    }
}
