using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Ingestion;

/// <summary>
/// The real Segment Node client (npm <c>@segment/analytics-node</c> 3.1.0, installed by the test project's build from
/// <c>Crowdstart.Tests/Segment/client</c>) pointed at the app with its <c>host</c> option: a launch's worth of
/// e-commerce events, sent while ingest is paused (503 with Retry-After, which the client retries) and with duplicate
/// messageIds. The campaign's metrics must equal, metric for metric, those of a second campaign that received the same
/// events through <c>/api/v1/events</c>.
/// </summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class SegmentClientCompatibilityTests(AppFixture app)
{
    private static readonly string ClientFolder = Path.Combine(RepositoryFiles.Root, "Crowdstart.Tests", "Segment", "client");

    /// <summary>One funnel step of one customer, as both doors receive it.</summary>
    private sealed record Step(string Customer, string SegmentCall, string? SegmentEvent, string OurType, DateTimeOffset At, string MessageId,
        JsonObject SegmentProperties, JsonObject OurProperties, decimal? Amount);

    private sealed record Traffic(string Name, string? UtmSource, string? UtmMedium, string OurSource);

    private static readonly Traffic[] Sources =
    [
        new("reddit", "reddit", "social", "social:reddit"),
        new("newsletter", "newsletter", "email", "email"),
        new("google", "google", "organic", "search"),
        new("ads", "facebook", "cpc", "ads"),
        new("direct", null, null, "direct"),
    ];

    private static List<(Step Step, Traffic Traffic)> Launch(DateTimeOffset start, int customers, int seed)
    {
        var random = new Random(seed);
        var steps = new List<(Step, Traffic)>();
        string[] rewards = ["early_bird", "standard", "deluxe"];
        decimal[] prices = [39m, 49m, 89.5m];
        for (var c = 0; c < customers; c++)
        {
            var customer = $"sgc-{seed}-{c}";
            var traffic = Sources[random.Next(Sources.Length)];
            // Mid-second times: the client's send delay (milliseconds) never moves an event across a second or bucket.
            var at = start.AddSeconds(random.Next(0, 360));
            var r = random.Next(rewards.Length);
            var reward = rewards[r];
            void Add(string call, string? name, string type, JsonObject segment, JsonObject ours, decimal? amount = null)
            {
                at = at.AddSeconds(random.Next(2, 15));
                steps.Add((new Step(customer, call, name, type, at, Guid.NewGuid().ToString(), segment, ours, amount), traffic));
            }
            var pageOurs = new JsonObject();
            if (traffic.UtmSource is not null)
            {
                pageOurs["utm_source"] = traffic.UtmSource;
                pageOurs["utm_medium"] = traffic.UtmMedium;
            }
            Add("page", null, "page_view", new JsonObject { ["title"] = "Aurora lamp" }, pageOurs);
            Add("track", "Product Viewed", "reward_view", new JsonObject { ["product_id"] = reward, ["price"] = prices[r] }, new JsonObject { ["reward"] = reward });
            if (random.NextDouble() < 0.6)
            {
                Add("track", "Product Added", "cart_created", new JsonObject { ["product_id"] = reward, ["quantity"] = 1 },
                    new JsonObject { ["reward"] = reward, ["quantity"] = 1 });
                if (random.NextDouble() < 0.8)
                {
                    Add("track", "Checkout Started", "checkout_started", new JsonObject { ["product_id"] = reward, ["currency"] = "EUR" },
                        new JsonObject { ["reward"] = reward });
                    if (random.NextDouble() < 0.2)
                    {
                        Add("track", "Payment Failed", "checkout_failed", new JsonObject { ["reason"] = "card_declined" },
                            new JsonObject { ["reason"] = "card_declined" });
                    }
                    if (random.NextDouble() < 0.75)
                    {
                        Add("track", "Order Completed", "pledge_completed",
                            new JsonObject { ["total"] = prices[r], ["revenue"] = prices[r] - 5, ["currency"] = "EUR", ["product_id"] = reward },
                            new JsonObject { ["reward"] = reward }, prices[r]);
                        if (random.NextDouble() < 0.08)
                        {
                            Add("track", "Order Refunded", "pledge_refunded", new JsonObject { ["total"] = prices[r], ["currency"] = "EUR" },
                                new JsonObject(), prices[r]);
                        }
                    }
                }
            }
        }
        return steps;
    }

    private static string SessionOf(string customer, DateTimeOffset at) =>
        "sg-" + string.Concat(SHA256.HashData(Encoding.UTF8.GetBytes(customer + "|" + at.UtcDateTime.ToString("yyyy-MM-dd")))[..8]
            .Select(b => $"{(char)('a' + (b >> 4))}{(char)('a' + (b & 0x0F))}"));

    private static JsonObject SegmentArgs(Step step, Traffic traffic)
    {
        var args = new JsonObject
        {
            [step.SegmentCall == "page" ? "anonymousId" : "userId"] = step.Customer,
            ["messageId"] = step.MessageId,
            ["timestamp"] = step.At.ToString("O"),
            ["properties"] = step.SegmentProperties.DeepClone(),
        };
        if (step.SegmentEvent is not null)
        {
            args["event"] = step.SegmentEvent;
        }
        if (traffic.UtmSource is not null)
        {
            args["context"] = new JsonObject { ["campaign"] = new JsonObject { ["source"] = traffic.UtmSource, ["medium"] = traffic.UtmMedium } };
        }
        return args;
    }

    private static JsonObject OurEvent(Step step, Traffic traffic, Guid campaign)
    {
        var e = new JsonObject
        {
            ["eventId"] = Guid.NewGuid().ToString(),
            ["type"] = step.OurType,
            ["campaignId"] = campaign.ToString(),
            ["customerId"] = step.Customer,
            ["sessionId"] = SessionOf(step.Customer, step.At),
            ["occurredAt"] = step.At.ToString("O"),
            ["source"] = traffic.OurSource,
        };
        if (step.Amount is { } amount)
        {
            e["amount"] = amount;
            e["currency"] = "EUR";
        }
        if (step.OurProperties.Count > 0)
        {
            e["properties"] = step.OurProperties.DeepClone();
        }
        return e;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunNodeAsync(string inputFile)
    {
        var start = new ProcessStartInfo("node", ["send.mjs", inputFile])
        {
            WorkingDirectory = ClientFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The Segment client did not finish within 3 minutes: " + await errors);
        }
        return (process.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task SegmentNodeClient_LaunchWithRetriesAndDuplicates_MetricsEqualOwnApi()
    {
        // Arrange: two campaigns alike, one fed by the Segment client, one by our own API
        Assert.True(File.Exists(Path.Combine(ClientFolder, "node_modules", "@segment", "analytics-node", "package.json")),
            "npm ci did not install @segment/analytics-node in " + ClientFolder + " (the test project's build does it)");
        var launchAt = DateTimeOffset.UtcNow.AddMinutes(-30);
        var viaSegment = await app.Database.Campaigns.CreateCampaignAsync(app.Database.OrganisationId, "sg-" + Guid.NewGuid().ToString("N")[..8],
            "Segment twin", "EUR", 10_000m, launchAt);
        var viaApi = await app.Database.Campaigns.CreateCampaignAsync(app.Database.OrganisationId, "api-" + Guid.NewGuid().ToString("N")[..8],
            "API twin", "EUR", 10_000m, launchAt);
        var segmentKey = await app.Database.Campaigns.CreateIngestKeyAsync(viaSegment.Id, "segment");
        var apiKey = await app.Database.Campaigns.CreateIngestKeyAsync(viaApi.Id, "api");
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-8).UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero)
            .AddMilliseconds(500);
        var launch = Launch(start, customers: 150, seed: 20261206);
        var calls = new JsonArray();
        foreach (var (step, traffic) in launch)
        {
            calls.Add(new JsonObject { ["type"] = step.SegmentCall, ["args"] = SegmentArgs(step, traffic) });
        }
        // Every customer is identified with personal traits (dropped), and every 7th call is sent twice (same messageId).
        foreach (var customer in launch.Select(s => s.Step.Customer).Distinct())
        {
            calls.Add(new JsonObject
            {
                ["type"] = "identify",
                ["args"] = new JsonObject { ["userId"] = customer, ["traits"] = new JsonObject { ["email"] = customer + "@example.com", ["name"] = "Ada Lovelace" } },
            });
        }
        for (var i = 0; i < launch.Count; i += 7)
        {
            calls.Add(calls[i]!.DeepClone());
        }
        var input = Path.Combine(Path.GetTempPath(), $"segment-client-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(input, new JsonObject
        {
            ["host"] = app.BaseAddress.ToString().TrimEnd('/'),
            ["writeKey"] = segmentKey,
            ["flushAt"] = 50,
            ["maxRetries"] = 10,
            ["calls"] = calls,
        }.ToJsonString());
        var admission = app.Services.GetRequiredService<IngestAdmission>();

        // Act: ingest refuses everything (503, Retry-After) for the first seconds; the client retries
        admission.Pause(TimeSpan.FromSeconds(4));
        (int ExitCode, string Output, string Errors) run;
        try
        {
            run = await RunNodeAsync(input);
        }
        finally
        {
            admission.Pause(TimeSpan.Zero);
            File.Delete(input);
        }
        var ours = launch.Select(s => (JsonNode)OurEvent(s.Step, s.Traffic, viaApi.Id)).ToList();
        foreach (var chunk in ours.Chunk(500))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events")
            {
                Content = new StringContent(new JsonArray([.. chunk.Select(e => e.DeepClone())]).ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            var response = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        await app.WaitForPipelineAsync(TimeSpan.FromSeconds(60));

        // Assert: the client delivered everything after retrying 503s, nothing was refused
        Assert.True(run.ExitCode == 0, $"node exited {run.ExitCode}: {run.Errors}");
        var report = JsonDocument.Parse(run.Output.Trim().Split('\n')[^1]).RootElement;
        Assert.True(report.GetProperty("failed").GetInt32() == 0, "client failures: " + run.Output);
        Assert.Equal(calls.Count, report.GetProperty("delivered").GetInt32());
        var statuses = report.GetProperty("statuses");
        Assert.True(statuses.TryGetProperty("503", out var unavailable) && unavailable.GetInt32() > 0, "no 503 seen: " + run.Output);
        Assert.True(statuses.TryGetProperty("200", out _), run.Output);
        await app.Services.GetRequiredService<IngestActivity>().FlushAsync();
        Assert.Equal(0L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM ingest_rejections WHERE campaign_id = '{viaSegment.Id}'"));
        Assert.Equal((long)launch.Count, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{viaSegment.Id}'"));
        Assert.Equal(0L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{viaSegment.Id}' AND properties::text LIKE '%@%'"));

        // Assert: metric for metric, the same campaign
        var metrics = app.Services.GetRequiredService<IMetricsQuery>();
        var now = DateTimeOffset.UtcNow;
        var segmentSnapshot = await metrics.GetSnapshotAsync(viaSegment.Id, now);
        var apiSnapshot = await metrics.GetSnapshotAsync(viaApi.Id, now);
        Assert.NotNull(segmentSnapshot);
        Assert.NotNull(apiSnapshot);
        Assert.Equal(launch.Count, apiSnapshot.Events);
        Assert.True(apiSnapshot.Revenue.Pledged > 0);
        var options = new JsonSerializerOptions { WriteIndented = true };
        var expected = JsonSerializer.Serialize(apiSnapshot with { CampaignId = Guid.Empty }, options);
        var actual = JsonSerializer.Serialize(segmentSnapshot with { CampaignId = Guid.Empty }, options);
        Assert.Equal(expected, actual);
    }
}
