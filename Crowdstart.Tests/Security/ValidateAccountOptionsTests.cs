using Crowdstart.Dashboard.Security;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Security;

[Layer(TestLayer.Unit)]
public sealed class ValidateAccountOptionsTests
{
    private static readonly ValidateAccountOptions Validator = new();

    [Fact]
    public void Validate_BootstrapAdminWithPassword_Succeeds()
    {
        var result = OptionsValidation.Validate(Validator, AccountOptions.SectionName,
            "Accounts:BootstrapAdminEmail=admin@example.com", "Accounts:BootstrapAdminPassword=long-enough-password", "Accounts:SecureCookiesOnly=true");

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("Accounts:SessionValidationSeconds=0", "Accounts:SessionValidationSeconds must be between 1 and 60 (was 0)")]
    [InlineData("Accounts:SessionValidationSeconds=61", "Accounts:SessionValidationSeconds must be between 1 and 60 (was 61)")]
    [InlineData("Accounts:BootstrapAdminEmail=admin@example.com", "Accounts:BootstrapAdminPassword must be set when Accounts:BootstrapAdminEmail is")]
    public void Validate_BadSetting_FailsNamingKeyAndReason(string setting, string expected)
    {
        var result = OptionsValidation.Validate(Validator, AccountOptions.SectionName, setting);

        OptionsValidation.AssertFails(result, expected);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneAtOnce()
    {
        var result = OptionsValidation.Validate(Validator, AccountOptions.SectionName,
            "Accounts:SessionValidationSeconds=600", "Accounts:BootstrapAdminEmail=admin@example.com");

        OptionsValidation.AssertFails(result,
            "Accounts:SessionValidationSeconds must be between 1 and 60 (was 600)",
            "Accounts:BootstrapAdminPassword must be set when Accounts:BootstrapAdminEmail is");
    }
}
