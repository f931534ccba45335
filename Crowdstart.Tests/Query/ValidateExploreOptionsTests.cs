using Crowdstart.Pipeline.Query;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Query;

[Layer(TestLayer.Unit)]
public sealed class ValidateExploreOptionsTests
{
    private static readonly ValidateExploreOptions Validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = OptionsValidation.Validate(Validator, ExploreOptions.SectionName);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("Explore:StatementTimeoutSeconds=601", "Explore:StatementTimeoutSeconds must be between 1 and 600 (was 601)")]
    [InlineData("Explore:WorkMemMegabytes=3", "Explore:WorkMemMegabytes must be between 4 and 1,024 (was 3)")]
    [InlineData("Explore:MaxConnections=0", "Explore:MaxConnections must be between 1 and 100 (was 0)")]
    [InlineData("Explore:ParallelWorkersPerQuery=9", "Explore:ParallelWorkersPerQuery must be between 0 and 8 (was 9)")]
    [InlineData("Explore:MaxQueueSeconds=61", "Explore:MaxQueueSeconds must be between 0 and 60 (was 61)")]
    [InlineData("Explore:MaxConcurrentPerOrganisation=1", "Explore:MaxConcurrentPerOrganisation must be at least Explore:MaxConcurrentPerUser (was 1 < 2)")]
    [InlineData("Explore:QueriesPerMinutePerOrganisation=29", "Explore:QueriesPerMinutePerOrganisation must be at least Explore:QueriesPerMinutePerUser (was 29 < 30)")]
    public void Validate_BadSetting_FailsNamingKeyAndReason(string setting, string expected)
    {
        var result = OptionsValidation.Validate(Validator, ExploreOptions.SectionName, setting);

        OptionsValidation.AssertFails(result, expected);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneAtOnce()
    {
        var result = OptionsValidation.Validate(Validator, ExploreOptions.SectionName,
            "Explore:MaxConcurrentPerUser=0", "Explore:QueriesPerMinutePerUser=0", "Explore:WorkMemMegabytes=2048");

        OptionsValidation.AssertFails(result,
            "Explore:WorkMemMegabytes must be between 4 and 1,024 (was 2,048)",
            "Explore:MaxConcurrentPerUser must be between 1 and 1,000,000 (was 0)",
            "Explore:QueriesPerMinutePerUser must be between 1 and 1,000,000,000 (was 0)");
    }
}
