using Crowdstart.Pipeline.Observability;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Observability;

[Layer(TestLayer.Unit)]
public sealed class ValidateObservabilityOptionsTests
{
    private static readonly ValidateObservabilityOptions Validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = OptionsValidation.Validate(Validator, ObservabilityOptions.SectionName, "Observability:PrometheusEndpoint=false");

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("Observability:LagIntervalSeconds=0", "Observability:LagIntervalSeconds must be between 1 and 3,600 (was 0)")]
    [InlineData("Observability:ReadyMaxLagSeconds=0", "Observability:ReadyMaxLagSeconds must be between 1 and 86,400 (was 0)")]
    public void Validate_SettingOutOfRange_FailsNamingKeyAndBounds(string setting, string expected)
    {
        var result = OptionsValidation.Validate(Validator, ObservabilityOptions.SectionName, setting);

        OptionsValidation.AssertFails(result, expected);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneAtOnce()
    {
        var result = OptionsValidation.Validate(Validator, ObservabilityOptions.SectionName,
            "Observability:LagIntervalSeconds=-1", "Observability:ReadyMaxLagSeconds=100000");

        OptionsValidation.AssertFails(result,
            "Observability:LagIntervalSeconds must be between 1 and 3,600 (was -1)",
            "Observability:ReadyMaxLagSeconds must be between 1 and 86,400 (was 100,000)");
    }
}
