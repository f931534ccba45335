using Crowdstart.Pipeline.Alerts;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Alerts;

[Layer(TestLayer.Unit)]
public sealed class ValidateAlertOptionsTests
{
    private static readonly ValidateAlertOptions Validator = new();

    [Fact]
    public void Validate_TestHostSettings_Succeeds()
    {
        // What AppFixture runs with: no grace, no warm-up, evaluation every 2 s.
        var result = OptionsValidation.Validate(Validator, AlertOptions.SectionName,
            "Alerts:EvaluationIntervalSeconds=2", "Alerts:LatenessSeconds=0", "Alerts:WarmupSeconds=0", "Alerts:AllowPrivateWebhookTargets=true");

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("Alerts:EvaluationIntervalSeconds=0", "Alerts:EvaluationIntervalSeconds must be between 1 and 3,600 (was 0)")]
    [InlineData("Alerts:LatenessSeconds=-1", "Alerts:LatenessSeconds must be between 0 and 3,600 (was -1)")]
    [InlineData("Alerts:WarmupSeconds=3601", "Alerts:WarmupSeconds must be between 0 and 3,600 (was 3,601)")]
    [InlineData("Alerts:WebhookMaxAttempts=16", "Alerts:WebhookMaxAttempts must be between 1 and 15 (was 16)")]
    [InlineData("Alerts:WebhookInitialBackoffSeconds=0", "Alerts:WebhookInitialBackoffSeconds must be between 1 and 600 (was 0)")]
    [InlineData("Alerts:WebhookTimeoutSeconds=301", "Alerts:WebhookTimeoutSeconds must be between 1 and 300 (was 301)")]
    public void Validate_SettingOutOfRange_FailsNamingKeyAndBounds(string setting, string expected)
    {
        var result = OptionsValidation.Validate(Validator, AlertOptions.SectionName, setting);

        OptionsValidation.AssertFails(result, expected);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneAtOnce()
    {
        var result = OptionsValidation.Validate(Validator, AlertOptions.SectionName, "Alerts:WebhookMaxAttempts=0", "Alerts:WebhookTimeoutSeconds=0");

        OptionsValidation.AssertFails(result,
            "Alerts:WebhookMaxAttempts must be between 1 and 15 (was 0)",
            "Alerts:WebhookTimeoutSeconds must be between 1 and 300 (was 0)");
    }

    [Theory]
    [InlineData("Alerts:PublicUrl=analytics.example.com")]
    [InlineData("Alerts:PublicUrl=ftp://analytics.example.com")]
    [InlineData("Alerts:PublicUrl=https://user:pw@analytics.example.com")]
    public void Validate_PublicUrlNotAnAbsoluteHttpUrl_FailsNamingTheKey(string setting)
    {
        var result = OptionsValidation.Validate(Validator, AlertOptions.SectionName, setting);

        Assert.False(result.Succeeded);
        Assert.Contains("Alerts:PublicUrl must be an absolute http(s) URL", result.FailureMessage);
    }

    [Fact]
    public void Validate_PublicUrlHttps_Succeeds()
    {
        var result = OptionsValidation.Validate(Validator, AlertOptions.SectionName, "Alerts:PublicUrl=https://analytics.example.com/crowdstart");

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
