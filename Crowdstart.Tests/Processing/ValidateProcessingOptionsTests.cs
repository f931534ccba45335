using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Processing;

[Layer(TestLayer.Unit)]
public sealed class ValidateProcessingOptionsTests
{
    private static readonly ValidateProcessingOptions Validator = new();

    [Fact]
    public void Validate_DefaultsAndZeroThrottles_Succeeds()
    {
        // Zero intervals are how tests and benchmarks turn batching and throttling off.
        var result = OptionsValidation.Validate(Validator, ProcessingOptions.SectionName,
            "Processing:MinBatchIntervalMilliseconds=0", "Processing:NotifyThrottleMilliseconds=0");

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("BatchSize=0", "Processing:BatchSize must be between 1 and 1,000,000 (was 0)")]
    [InlineData("PollIntervalMilliseconds=0", "Processing:PollIntervalMilliseconds must be between 1 and 600,000 (was 0)")]
    [InlineData("MinBatchIntervalMilliseconds=-1", "Processing:MinBatchIntervalMilliseconds must be between 0 and 60,000 (was -1)")]
    [InlineData("NotifyThrottleMilliseconds=60001", "Processing:NotifyThrottleMilliseconds must be between 0 and 60,000 (was 60,001)")]
    public void Validate_SettingOutOfRange_FailsNamingKeyAndBounds(string setting, string expected)
    {
        var result = OptionsValidation.Validate(Validator, ProcessingOptions.SectionName, "Processing:" + setting);

        OptionsValidation.AssertFails(result, expected);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneAtOnce()
    {
        var result = OptionsValidation.Validate(Validator, ProcessingOptions.SectionName, "Processing:BatchSize=0", "Processing:PollIntervalMilliseconds=0");

        OptionsValidation.AssertFails(result,
            "Processing:BatchSize must be between 1 and 1,000,000 (was 0)",
            "Processing:PollIntervalMilliseconds must be between 1 and 600,000 (was 0)");
    }
}
