using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Storage;
using Microsoft.Extensions.Logging;

namespace Crowdstart.Pipeline.Demo;

/// <summary>
/// The demo platform's history: finished campaigns from the forecast's own generator (<see cref="CampaignSimulator"/>),
/// in an organisation of their own, so the demo campaigns' forecasts learn from neighbours within a minute of the first
/// start. Their events go through the real ingest API like every demo event, each campaign with a key that exists only
/// while it is being posted. Campaign i always comes from seed <see cref="Seed"/> + i with its stored launch, so its
/// events (ids included) are the same at every start: a start that finds a campaign incomplete (an earlier start was
/// interrupted) posts it again and the API's idempotency stores each event once.
/// </summary>
internal sealed class DemoHistory(CampaignStore campaigns, RollupQueries rollups, TimeProvider time, ILogger logger)
{
    public const int Seed = 2026;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Creates and posts what is missing of <paramref name="count"/> finished campaigns; returns the events posted.</summary>
    public async Task<long> EnsureAsync(HttpClient client, int count, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var existing = (await campaigns.ListCampaignsAsync(ct)).Where(c => c.OrganisationId == DemoCampaigns.History.Id).ToDictionary(c => c.Slug);
        var totals = await rollups.GetTotalsAsync(ct);
        long posted = 0;
        for (var i = 0; i < count && !ct.IsCancellationRequested; i++)
        {
            var slug = $"history-{i:0000}";
            // Launched 65 to 300 days ago: finished (the longest runs 60 days) and within the API's 400-day window.
            var launch = existing.TryGetValue(slug, out var stored) ? stored.LaunchAt : now.AddDays(-65 - 235.0 * i / Math.Max(1, count)).AddHours(-(i * 7 % 24));
            var campaign = new CampaignSimulator(new Random(Seed + i)).Next(launch, id: stored?.Id);
            if (stored is null)
            {
                await campaigns.CreateCampaignAsync(DemoCampaigns.History.Id, slug, $"Finished campaign {i + 1}", "EUR", campaign.Goal, campaign.LaunchAt,
                    campaign.Id, ct, endAt: campaign.EndAt);
            }
            else if ((totals.GetValueOrDefault(campaign.Id)?.Events ?? 0) >= campaign.Events.Count)
            {
                continue;
            }
            posted += await PostAsync(client, campaign, ct);
        }
        return posted;
    }

    private async Task<long> PostAsync(HttpClient client, SimulatedCampaign campaign, CancellationToken ct)
    {
        var key = await campaigns.CreateIngestKeyAsync(campaign.Id, "demo history", ct);
        try
        {
            foreach (var chunk in campaign.Events.Chunk(1000))
            {
                var body = chunk.Select(IngestPayload.Of).ToList();
                for (var attempt = 1; ; attempt++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events") { Content = JsonContent.Create(body, options: Json) };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                    using var response = await client.SendAsync(request, ct);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                    if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests) || attempt >= 20)
                    {
                        logger.LogWarning("Demo history: ingest answered {Status} for {Campaign}; skipping it", (int)response.StatusCode, campaign.Id);
                        return 0;
                    }
                    // The live demo traffic goes first: back off while the app is at capacity.
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                }
            }
            return campaign.Events.Count;
        }
        finally
        {
            await campaigns.RevokeKeyAsync(key, CancellationToken.None);
        }
    }
}
