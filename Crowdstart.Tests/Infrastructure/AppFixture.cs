using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// The real app (pipeline included) on real Kestrel at a free loopback port, over its own database.
/// Started once per test collection because building and starting the host is the slow part.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    private AppFactory? _factory;

    public TestDatabase Database { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public IServiceProvider Services => _factory!.Services;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _factory = new AppFactory(Database.ConnectionString, Database.PartitionCount);
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await Database.DisposeAsync();
    }

    /// <summary>Creates a campaign with an ingest key.</summary>
    public async Task<(Guid CampaignId, string Key)> CreateCampaignAsync(string currency = "EUR", string? name = null)
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..10];
        var campaign = await Database.Campaigns.CreateCampaignAsync(slug, name ?? $"Test campaign {slug}", currency, 10_000m,
            DateTimeOffset.UtcNow.AddMinutes(-30));
        return (campaign.Id, await Database.Campaigns.CreateIngestKeyAsync(campaign.Id, "test"));
    }

    /// <summary>POSTs a JSON body to the ingest API with the given key.</summary>
    public Task<HttpResponseMessage> PostEventsAsync(string? key, object body, string contentType = "application/json") =>
        PostRawAsync(key, body as string ?? JsonSerializer.Serialize(body), contentType);

    public async Task<HttpResponseMessage> PostRawAsync(string? key, string body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events")
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return await Client.SendAsync(request);
    }

    /// <summary>Waits until the pipeline has folded every logged event into the rollups.</summary>
    public async Task WaitForPipelineAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var lag = await Database.ScalarAsync<long>(
                "SELECT coalesce(sum(p.next_offset - 1 - c.\"offset\"), 0)::bigint FROM log_partitions p JOIN partition_checkpoints c USING (partition)");
            if (lag == 0)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The pipeline still lags {lag} events behind the log.");
            }
            await Task.Delay(50);
        }
    }

    private sealed class AppFactory(string connectionString, int partitions) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Crowdstart", connectionString);
            builder.UseSetting("Demo:Enabled", "false");
            builder.UseSetting("Log:PartitionCount", partitions.ToString());
            builder.UseSetting("Processing:PollIntervalMilliseconds", "500");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "running app";
}
