using Crowdstart.Pipeline.Log;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Log;

[Layer(TestLayer.Unit)]
public sealed class ValidateLogOptionsTests
{
    private static readonly ValidateLogOptions Validator = new();

    [Theory]
    [InlineData("1")]
    [InlineData("1024")]
    public void Validate_PartitionCountWithinBounds_Succeeds(string partitions)
    {
        var result = OptionsValidation.Validate(Validator, LogOptions.SectionName, "Log:PartitionCount=" + partitions);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("0", "Log:PartitionCount must be between 1 and 1,024 (was 0)")]
    [InlineData("1025", "Log:PartitionCount must be between 1 and 1,024 (was 1,025)")]
    public void Validate_PartitionCountOutOfRange_FailsNamingKeyAndBounds(string partitions, string expected)
    {
        var result = OptionsValidation.Validate(Validator, LogOptions.SectionName, "Log:PartitionCount=" + partitions);

        OptionsValidation.AssertFails(result, expected);
    }
}
