using Crowdstart.Pipeline.Privacy;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Privacy;

[Layer(TestLayer.Unit)]
public sealed class ValidatePrivacyOptionsTests
{
    private static readonly ValidatePrivacyOptions Validator = new();

    [Fact]
    public void Validate_DefaultsAndConfiguredAllowlist_Succeeds()
    {
        var result = OptionsValidation.Validate(Validator, PrivacyOptions.SectionName,
            "Privacy:PiiMode=Redact", "Privacy:AllowedProperties:*:0=device", "Privacy:AllowedProperties:page_view:0=utm_source");

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("Privacy:PiiMode=7", "Privacy:PiiMode must be Reject or Redact (was 7)")]
    [InlineData("Privacy:DefaultGrantHours=0", "Privacy:DefaultGrantHours must be between 1 and 720 (was 0)")]
    [InlineData("Privacy:MaxGrantHours=721", "Privacy:MaxGrantHours must be between 1 and 720 (was 721)")]
    [InlineData("Privacy:MaxGrantHours=12", "Privacy:DefaultGrantHours must be at most Privacy:MaxGrantHours (was 24 > 12)")]
    [InlineData("Privacy:AllowedProperties:page_view:0= ", "Privacy:AllowedProperties:page_view must be a list of property keys")]
    public void Validate_BadSetting_FailsNamingKeyAndReason(string setting, string expected)
    {
        var result = OptionsValidation.Validate(Validator, PrivacyOptions.SectionName, setting);

        OptionsValidation.AssertFails(result, expected);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneAtOnce()
    {
        var result = OptionsValidation.Validate(Validator, PrivacyOptions.SectionName, "Privacy:DefaultGrantHours=0", "Privacy:MaxGrantHours=1000");

        OptionsValidation.AssertFails(result,
            "Privacy:DefaultGrantHours must be between 1 and 720 (was 0)",
            "Privacy:MaxGrantHours must be between 1 and 720 (was 1,000)");
    }

    [Fact]
    public void AllowedFor_KeyAllowedForEveryTypeAndForTheType_ListedOnce()
    {
        var options = new PrivacyOptions();

        var allowed = options.AllowedFor(Crowdstart.Pipeline.Events.EventTypes.RewardView).ToList();

        Assert.Single(allowed, "reward");
        Assert.Equal(allowed.Distinct().Count(), allowed.Count);
    }
}
