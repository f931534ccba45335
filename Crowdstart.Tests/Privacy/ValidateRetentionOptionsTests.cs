using Crowdstart.Pipeline.Privacy;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Privacy;

[Layer(TestLayer.Unit)]
public sealed class ValidateRetentionOptionsTests
{
    private static readonly ValidateRetentionOptions Validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = OptionsValidation.Validate(Validator, RetentionOptions.SectionName);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("Retention:RawEventDays=36501", "Retention:RawEventDays must be between 1 and 36,500 (was 36,501)")]
    [InlineData("Retention:CustomerDataDays=0", "Retention:CustomerDataDays must be between 1 and 36,500 (was 0)")]
    [InlineData("Retention:CustomerDataDays=366", "Retention:CustomerDataDays must be at most Retention:RawEventDays (was 366 > 365)")]
    [InlineData("Retention:AggregateDays=0", "Retention:AggregateDays must be between 1 and 36,500 (was 0)")]
    [InlineData("Retention:IntervalMinutes=0", "Retention:IntervalMinutes must be between 1 and 10,080 (was 0)")]
    [InlineData("Retention:BatchSize=0", "Retention:BatchSize must be between 1 and 1,000,000 (was 0)")]
    public void Validate_BadSetting_FailsNamingKeyAndReason(string setting, string expected)
    {
        var result = OptionsValidation.Validate(Validator, RetentionOptions.SectionName, setting);

        OptionsValidation.AssertFails(result, expected);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneAtOnce()
    {
        var result = OptionsValidation.Validate(Validator, RetentionOptions.SectionName, "Retention:RawEventDays=0", "Retention:AggregateDays=0");

        // A raw limit of 0 also puts the default customer-data limit above it: both are said.
        OptionsValidation.AssertFails(result,
            "Retention:RawEventDays must be between 1 and 36,500 (was 0)",
            "Retention:CustomerDataDays must be at most Retention:RawEventDays (was 90 > 0)",
            "Retention:AggregateDays must be between 1 and 36,500 (was 0)");
    }
}
