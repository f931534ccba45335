using Crowdstart.Dashboard.Security;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Security;

[Layer(TestLayer.Unit)]
public sealed class ValidateBrowserProtectionOptionsTests
{
    private static readonly ValidateBrowserProtectionOptions Validator = new();

    [Fact]
    public void Validate_Origins_Succeeds()
    {
        var result = OptionsValidation.Validate(Validator, BrowserProtectionOptions.SectionName,
            "Security:AllowedOrigins:0=https://analytics.example.com", "Security:AllowedOrigins:1=http://localhost:8080");

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("https://analytics.example.com/")]
    [InlineData("https://analytics.example.com/dashboard")]
    [InlineData("https://analytics.example.com?x=1")]
    [InlineData("ftp://analytics.example.com")]
    [InlineData("analytics.example.com")]
    public void Validate_EntryThatIsNotAnOrigin_FailsNamingEntryAndValue(string origin)
    {
        var result = OptionsValidation.Validate(Validator, BrowserProtectionOptions.SectionName, "Security:AllowedOrigins:0=" + origin);

        OptionsValidation.AssertFails(result,
            $"Security:AllowedOrigins:0 must be an origin such as 'https://analytics.example.com' (scheme, host, optional port; no path) (was '{origin}')");
    }

    [Fact]
    public void Validate_SeveralBadEntries_ReportsEveryOneAtOnce()
    {
        var result = OptionsValidation.Validate(Validator, BrowserProtectionOptions.SectionName,
            "Security:AllowedOrigins:0=https://ok.example.com", "Security:AllowedOrigins:1=https://a.example.com/", "Security:AllowedOrigins:2=b.example.com");

        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains("Security:AllowedOrigins:1 must be an origin", result.FailureMessage);
        Assert.Contains("Security:AllowedOrigins:2 must be an origin", result.FailureMessage);
    }
}
