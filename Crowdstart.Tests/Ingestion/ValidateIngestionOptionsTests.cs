using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Ingestion;

[Layer(TestLayer.Unit)]
public sealed class ValidateIngestionOptionsTests
{
    private static readonly ValidateIngestionOptions Validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = OptionsValidation.Validate(Validator, IngestionOptions.SectionName);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("MaxRequestBytes=1023", "Ingestion:MaxRequestBytes must be between 1,024 and 1,073,741,824 (was 1,023)")]
    [InlineData("MaxEventsPerRequest=0", "Ingestion:MaxEventsPerRequest must be between 1 and 100,000 (was 0)")]
    [InlineData("MaxPropertyCount=-1", "Ingestion:MaxPropertyCount must be between 0 and 1,000 (was -1)")]
    [InlineData("MaxFutureSkewSeconds=-5", "Ingestion:MaxFutureSkewSeconds must be between 0 and 86,400 (was -5)")]
    [InlineData("MaxPastDays=0", "Ingestion:MaxPastDays must be between 1 and 36,500 (was 0)")]
    [InlineData("AppendBatchMaxEvents=0", "Ingestion:AppendBatchMaxEvents must be between 1 and 1,000,000 (was 0)")]
    [InlineData("AppendQueueCapacityEvents=0", "Ingestion:AppendQueueCapacityEvents must be between 1 and 10,000,000 (was 0)")]
    [InlineData("MaxConcurrentRequests=0", "Ingestion:MaxConcurrentRequests must be between 1 and 10,000 (was 0)")]
    [InlineData("MaxQueuedRequests=-1", "Ingestion:MaxQueuedRequests must be between 0 and 100,000 (was -1)")]
    [InlineData("KeyCacheSeconds=3601", "Ingestion:KeyCacheSeconds must be between 0 and 3,600 (was 3,601)")]
    [InlineData("FailedKeyAttemptsPerWindow=0", "Ingestion:FailedKeyAttemptsPerWindow must be between 1 and 1,000,000 (was 0)")]
    [InlineData("FailedKeyWindowSeconds=86401", "Ingestion:FailedKeyWindowSeconds must be between 1 and 86,400 (was 86,401)")]
    [InlineData("ActivityFlushSeconds=0", "Ingestion:ActivityFlushSeconds must be between 1 and 60 (was 0)")]
    [InlineData("RejectedEventsPerCampaign=1001", "Ingestion:RejectedEventsPerCampaign must be between 1 and 1,000 (was 1,001)")]
    public void Validate_SettingOutOfRange_FailsNamingKeyAndBounds(string setting, string expected)
    {
        var result = OptionsValidation.Validate(Validator, IngestionOptions.SectionName, "Ingestion:" + setting);

        OptionsValidation.AssertFails(result, expected);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneAtOnce()
    {
        var result = OptionsValidation.Validate(Validator, IngestionOptions.SectionName,
            "Ingestion:MaxEventsPerRequest=0", "Ingestion:MaxConcurrentRequests=0", "Ingestion:FailedKeyWindowSeconds=0");

        OptionsValidation.AssertFails(result,
            "Ingestion:MaxEventsPerRequest must be between 1 and 100,000 (was 0)",
            "Ingestion:MaxConcurrentRequests must be between 1 and 10,000 (was 0)",
            "Ingestion:FailedKeyWindowSeconds must be between 1 and 86,400 (was 0)");
    }
}
