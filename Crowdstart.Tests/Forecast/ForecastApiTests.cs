using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Forecast;

/// <summary><c>GET /api/v1/campaigns/{id}/forecast</c> against the running app: the figures, or why there are none, in words.</summary>
[Collection(AppCollection.Name)]
[Layer(TestLayer.App)]
public sealed class ForecastApiTests(AppFixture app)
{
    [Fact]
    public async Task Forecast_CampaignWithoutEndDate_NoEndDateWithTheReason()
    {
        // Arrange
        var organisation = await app.CreateOrganisationAsync("Forecast API org");
        var creator = await app.CreateUserAsync(Roles.Creator, organisation);
        var (campaign, _) = await app.CreateCampaignAsync(organisationId: organisation);
        using var client = await app.SignInAsync(creator);

        // Act
        var body = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign}/forecast");

        // Assert
        Assert.Equal("NoEndDate", body.GetProperty("availability").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("latest").ValueKind);
        Assert.Contains("no end date", body.GetProperty("explanation")[0].GetString());
    }

    [Fact]
    public async Task Forecast_KeptForecast_FiguresStatusAndHistoryInTheBody()
    {
        // Arrange: a running campaign with a forecast kept by the store, as the service does. It is stamped a few
        // minutes ahead so that the app's own forecast service, which keeps at most one forecast a campaign per 10 s
        // after the last, does not replace it while the test reads it.
        var organisation = await app.CreateOrganisationAsync("Forecast API org");
        var creator = await app.CreateUserAsync(Roles.Creator, organisation);
        var now = DateTimeOffset.UtcNow;
        var campaign = await app.Database.Campaigns.CreateCampaignAsync(organisation, "fa-" + Guid.NewGuid().ToString("N")[..8], "Forecast API lamp", "EUR", 2_000m,
            now.AddDays(-2), endAt: now.AddDays(18));
        var store = new ForecastStore(app.Database.DataSource, app.Database.Contexts);
        Assert.True(await store.SaveAsync(new CampaignForecast(campaign.Id, now.AddMinutes(5), ForecastBasis.Prior, 500m, 2_000m, 1_600m, 900m, 3_100m, 0.38, null,
            new ForecastInputs(0.1, 0.25, 0.7, new LiveSignals(900, 0.05, 0.2, 0.3), 3, 0, null, null, 3.2, null))));
        using var client = await app.SignInAsync(creator);

        // Act
        var body = await client.GetFromJsonAsync<JsonElement>($"api/v1/campaigns/{campaign.Id}/forecast");

        // Assert
        Assert.Equal("Available", body.GetProperty("availability").GetString());
        var latest = body.GetProperty("latest");
        Assert.Equal(1_600m, latest.GetProperty("projectedTotal").GetDecimal());
        Assert.Equal(900m, latest.GetProperty("low").GetDecimal());
        Assert.Equal(3_100m, latest.GetProperty("high").GetDecimal());
        Assert.Equal(0.38, latest.GetProperty("probability").GetDouble());
        Assert.Equal("AtRisk", latest.GetProperty("status").GetString());
        Assert.Equal("Prior", latest.GetProperty("basis").GetString());
        Assert.Equal(1, body.GetProperty("history").GetArrayLength());
        Assert.Contains(body.GetProperty("explanation").EnumerateArray(), line => line.GetString()!.Contains("usual pledge curve"));
    }
}
