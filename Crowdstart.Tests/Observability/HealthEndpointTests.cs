using System.Net;
using System.Text.Json;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Observability;

/// <summary><c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> on the running app.</summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class HealthEndpointTests(AppFixture app)
{
    [Fact]
    public async Task Healthz_RunningApp_Healthy()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        var response = await client.GetAsync("healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_DatabaseUpAndPipelineCaughtUp_ReadyWithTheLag()
    {
        await app.WaitForPipelineAsync();
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        var response = await client.GetAsync("readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("checks").GetProperty("ready").GetProperty("data").TryGetProperty("lag_events", out _));
    }

    [Fact]
    public async Task Metrics_AfterIngest_ExposesAcceptedRejectedAndLag()
    {
        // Arrange: one good event and one with an unknown type
        var (campaign, key) = await app.CreateCampaignAsync();
        var at = DateTimeOffset.UtcNow.ToString("O");
        (await app.PostEventsAsync(key, new object[]
        {
            new { eventId = Guid.NewGuid(), type = "page_view", campaignId = campaign, customerId = "m-1", sessionId = "s", occurredAt = at, source = "direct" },
            new { eventId = Guid.NewGuid(), type = "teleported", campaignId = campaign, customerId = "m-2", sessionId = "s", occurredAt = at, source = "direct" },
        })).EnsureSuccessStatusCode();
        await app.WaitForPipelineAsync();
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        // Act: the exporter caches a scrape for a short while; poll until this request's counts show
        string text = "";
        for (var i = 0; i < 40 && !(text.Contains("crowdstart_ingest_rejected_total{", StringComparison.Ordinal) && text.Contains("reason=\"type\"", StringComparison.Ordinal)); i++)
        {
            text = await client.GetStringAsync("metrics");
            await Task.Delay(250);
        }

        // Assert
        Assert.Contains("crowdstart_ingest_events_total", text);
        Assert.Contains("reason=\"type\"", text);
        Assert.Contains("crowdstart_pipeline_lag", text);
        Assert.Contains("crowdstart_pipeline_batch_duration_seconds_bucket", text);
    }
}
