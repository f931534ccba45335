using Crowdstart.Pipeline.Demo;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Demo;

[Layer(TestLayer.Unit)]
public sealed class ValidateDemoOptionsTests
{
    private static readonly ValidateDemoOptions Validator = new();

    [Theory]
    [InlineData("0")]
    [InlineData("0.5")]
    [InlineData("1000")]
    public void Validate_VisitorsPerSecondWithinBounds_Succeeds(string visitors)
    {
        var result = OptionsValidation.Validate(Validator, DemoOptions.SectionName, "Demo:VisitorsPerSecond=" + visitors, "Demo:Seed=-7");

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("-1", "Demo:VisitorsPerSecond must be between 0 and 1,000 (was -1)")]
    [InlineData("1000.5", "Demo:VisitorsPerSecond must be between 0 and 1,000 (was 1000.5)")]
    [InlineData("NaN", "Demo:VisitorsPerSecond must be between 0 and 1,000 (was NaN)")]
    public void Validate_VisitorsPerSecondOutOfRange_FailsNamingKeyAndBounds(string visitors, string expected)
    {
        var result = OptionsValidation.Validate(Validator, DemoOptions.SectionName, "Demo:VisitorsPerSecond=" + visitors);

        OptionsValidation.AssertFails(result, expected);
    }
}
