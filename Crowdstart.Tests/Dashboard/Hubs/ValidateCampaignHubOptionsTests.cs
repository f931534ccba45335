using Crowdstart.Dashboard.Hubs;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Hubs;

[Layer(TestLayer.Unit)]
public sealed class ValidateCampaignHubOptionsTests
{
    private static readonly ValidateCampaignHubOptions Validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = OptionsValidation.Validate(Validator, CampaignHubOptions.SectionName);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("Hub:MaxConnectionsPerUser=0", "Hub:MaxConnectionsPerUser must be between 1 and 1,000,000 (was 0)")]
    [InlineData("Hub:MaxCircuitsPerUser=0", "Hub:MaxCircuitsPerUser must be between 1 and 1,000,000 (was 0)")]
    [InlineData("Hub:MaxMessageBytes=1023", "Hub:MaxMessageBytes must be between 1,024 and 1,048,576 (was 1,023)")]
    public void Validate_SettingOutOfRange_FailsNamingKeyAndBounds(string setting, string expected)
    {
        var result = OptionsValidation.Validate(Validator, CampaignHubOptions.SectionName, setting);

        OptionsValidation.AssertFails(result, expected);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneAtOnce()
    {
        var result = OptionsValidation.Validate(Validator, CampaignHubOptions.SectionName, "Hub:MaxConnectionsPerUser=0", "Hub:MaxMessageBytes=0");

        OptionsValidation.AssertFails(result,
            "Hub:MaxConnectionsPerUser must be between 1 and 1,000,000 (was 0)",
            "Hub:MaxMessageBytes must be between 1,024 and 1,048,576 (was 0)");
    }
}
