using System.Text.Json;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Forecast;

/// <summary>The simulated corpus: valid events the API takes, the documented outcome mix, and signals that carry information.</summary>
[Layer(TestLayer.Unit)]
public sealed class CampaignSimulatorTests
{
    private static readonly DateTimeOffset Launch = new(2026, 1, 10, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Next_AnyCampaign_EveryEventPassesTheApisValidationInTimeOrder()
    {
        // Arrange: the bench posts these through the real API, so each must pass its validation
        var campaign = new CampaignSimulator(new Random(3)).Next(Launch);
        var validator = new EventValidator(new IngestionOptions(), new FakeTimeProvider(campaign.EndAt.AddDays(1)));
        var target = new IngestTarget(campaign.Id, "EUR");

        // Act
        var errors = new List<EventError>();
        var records = campaign.Events.Select((e, i) =>
        {
            using var doc = JsonDocument.Parse(JsonSerializer.Serialize(IngestPayload.Of(e)));
            return validator.Validate(doc.RootElement.Clone(), i, target, errors);
        }).ToList();

        // Assert
        Assert.Empty(errors);
        Assert.Equal(campaign.Events.Count, records.Count);
        Assert.Equal(campaign.Events.OrderBy(e => e.OccurredAt).Select(e => e.EventId), campaign.Events.Select(e => e.EventId));
        Assert.All(campaign.Events, e => Assert.InRange(e.OccurredAt, campaign.LaunchAt, campaign.EndAt));
        Assert.Contains(campaign.Events, e => e.Type == EventTypes.PledgeCompleted);
    }

    [Fact]
    public void Next_FourHundredCampaigns_AboutHalfSucceedAndQualityDrivesTheOutcome()
    {
        // Arrange
        var simulator = new CampaignSimulator(new Random(11));

        // Act
        var campaigns = Enumerable.Range(0, 400).Select(i => simulator.Next(Launch.AddHours(i))).ToList();

        // Assert
        var funded = campaigns.Count(c => c.Final >= c.Goal) / 400.0;
        Assert.InRange(funded, 0.4, 0.6);
        var good = campaigns.Where(c => c.Quality > 1).ToList();
        var poor = campaigns.Where(c => c.Quality < -1).ToList();
        Assert.True(good.Count(c => c.Final >= c.Goal) > 0.8 * good.Count, "good campaigns mostly succeed");
        Assert.True(poor.Count(c => c.Final >= c.Goal) < 0.2 * poor.Count, "poor campaigns mostly fail");
        Assert.All(campaigns, c => Assert.InRange((c.EndAt - c.LaunchAt).TotalDays, 20, 60));
    }

    [Fact]
    public void Next_Until_StopsTheHistoryThere()
    {
        var campaign = new CampaignSimulator(new Random(5)).Next(Launch, until: Launch.AddHours(6));

        Assert.All(campaign.Events, e => Assert.True(e.OccurredAt < Launch.AddHours(6)));
        Assert.NotEmpty(campaign.Events);
    }

    [Fact]
    public void Next_SameSeed_SameCampaigns()
    {
        var a = new CampaignSimulator(new Random(9)).Next(Launch, id: Guid.Empty);
        var b = new CampaignSimulator(new Random(9)).Next(Launch, id: Guid.Empty);

        Assert.Equal(a.Goal, b.Goal);
        Assert.Equal(a.Final, b.Final);
        Assert.Equal(a.Events.Select(e => (e.EventId, e.Type, e.OccurredAt, e.CustomerId)), b.Events.Select(e => (e.EventId, e.Type, e.OccurredAt, e.CustomerId)));
        Assert.Equal(a.Events.Count, a.Events.Select(e => e.EventId).Distinct().Count());
    }
}
