using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Accounts;

/// <summary>A metric definition's checks: each problem names its field in the API's terms and says what is wrong in words.</summary>
[Layer(TestLayer.Unit)]
public class MetricDefinitionValidationTests
{
    private static IReadOnlyDictionary<string, string[]> Errors(MetricDefinition definition) =>
        Assert.Throws<DomainValidationException>(() => CampaignSettings.ValidateDefinition(definition)).ErrorsByField().AsReadOnly();

    [Fact]
    public void ValidateDefinition_ValidSteps_FirstStepWindowDropped()
    {
        var funnel = CampaignSettings.ValidateDefinition(new MetricDefinition(
            [new FunnelStep(EventTypes.PageView, 99), new FunnelStep(EventTypes.PledgeCompleted, 600)], 900));

        Assert.Equal([new FunnelStep(EventTypes.PageView), new FunnelStep(EventTypes.PledgeCompleted, 600)], funnel.Steps);
    }

    [Fact]
    public void ValidateDefinition_UnknownTypeAndShortCartWindow_BothFieldsNamed()
    {
        var errors = Errors(new MetricDefinition([new FunnelStep(EventTypes.PageView), new FunnelStep("page_visit", 60)], 30));

        Assert.Equal(["cartWindowSeconds", "funnel[1].type"], errors.Keys.Order());
        Assert.Equal("Step 2: 'page_visit' is not an event type.", errors["funnel[1].type"].Single());
        Assert.StartsWith("The cart window must be from 1 minute to 7 days", errors["cartWindowSeconds"].Single());
    }

    [Theory]
    [InlineData(0, "funnel[1].withinSeconds")]
    [InlineData(CampaignSettings.MaxWindowSeconds + 1, "funnel[1].withinSeconds")]
    public void ValidateDefinition_WindowOutOfRange_StepWindowNamed(int seconds, string field)
    {
        var errors = Errors(new MetricDefinition([new FunnelStep(EventTypes.PageView), new FunnelStep(EventTypes.CartCreated, seconds)], 600));

        Assert.Equal([field], errors.Keys);
        Assert.StartsWith("Step 2's window", errors[field].Single());
    }

    [Fact]
    public void ValidateDefinition_OneStepOrRepeatedType_FunnelNamed()
    {
        Assert.Equal(["funnel"], Errors(new MetricDefinition([new FunnelStep(EventTypes.PageView)], 600)).Keys);
        Assert.Equal(["funnel"], Errors(new MetricDefinition(
            [new FunnelStep(EventTypes.PageView), new FunnelStep(EventTypes.PageView, 60)], 600)).Keys);
        Assert.Equal(["funnel"], Errors(new MetricDefinition(null, 600)).Keys);
    }
}

/// <summary>A campaign's time zone: the offset its times are shown in, daylight saving included; none = each viewer's own.</summary>
[Layer(TestLayer.Unit)]
public class CampaignTimeZoneTests
{
    private static CampaignInfo Campaign(string? zone) => new(Guid.NewGuid(), Guid.NewGuid(), "tz", "Time zone", "EUR", 1000m,
        DateTimeOffset.UnixEpoch, null, FunnelDefinition.Default.ToJson(), 3600, 600, DateTimeOffset.UnixEpoch, null, zone);

    [Fact]
    public void OffsetAt_ZoneWithDaylightSaving_FollowsTheDate()
    {
        var paris = Campaign("Europe/Paris");

        Assert.Equal(TimeSpan.FromHours(1), paris.OffsetAt(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.FromHours(2), paris.OffsetAt(new DateTimeOffset(2026, 7, 6, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void OffsetAt_NoZone_NullSoTheViewersOwnIsUsed()
    {
        Assert.Null(Campaign(null).OffsetAt(DateTimeOffset.UtcNow));
        Assert.Contains("Europe/Paris", CampaignSettings.TimeZones);
        Assert.Contains("UTC", CampaignSettings.TimeZones);
    }
}
