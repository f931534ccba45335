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

    [Fact]
    public void Validate_JetStreamCluster_Succeeds()
    {
        var result = OptionsValidation.Validate(Validator, LogOptions.SectionName, "Log:Engine=JetStream",
            "Log:JetStream:Url=nats://127.0.0.1:4222, nats://127.0.0.1:4223,nats://127.0.0.1:4224", "Log:JetStream:Replicas=3");

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_JetStreamSettingsWrong_FailsNamingEveryKey()
    {
        var result = OptionsValidation.Validate(Validator, LogOptions.SectionName, "Log:Engine=JetStream",
            "Log:JetStream:Url=http://127.0.0.1:4222", "Log:JetStream:Stream=a.b", "Log:JetStream:Replicas=0",
            "Log:JetStream:MaxAgeHours=1", "Log:JetStream:DuplicateWindowSeconds=7200");

        OptionsValidation.AssertFails(result,
            "Log:JetStream:Url must list nats:// servers, comma-separated (was 'http://127.0.0.1:4222')",
            "Log:JetStream:Stream must be letters, digits, '-' or '_' (was 'a.b')",
            "Log:JetStream:Replicas must be between 1 and 5 (was 0)",
            "Log:JetStream:DuplicateWindowSeconds must not exceed Log:JetStream:MaxAgeHours");
    }

    [Fact]
    public void Validate_PostgresEngine_IgnoresJetStreamSettings()
    {
        var result = OptionsValidation.Validate(Validator, LogOptions.SectionName, "Log:Engine=Postgres", "Log:JetStream:Replicas=0");

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
