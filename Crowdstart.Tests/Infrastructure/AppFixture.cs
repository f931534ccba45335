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

    /// <summary>Creates a campaign with an ingest key (in the test database's organisation unless one is given).</summary>
    public async Task<(Guid CampaignId, string Key)> CreateCampaignAsync(string currency = "EUR", string? name = null, Guid? organisationId = null)
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..10];
        var campaign = await Database.Campaigns.CreateCampaignAsync(organisationId ?? Database.OrganisationId, slug, name ?? $"Test campaign {slug}", currency, 10_000m,
            DateTimeOffset.UtcNow.AddMinutes(-30));
        return (campaign.Id, await Database.Campaigns.CreateIngestKeyAsync(campaign.Id, "test"));
    }

    /// <summary>Creates an account through the app's own account service; returns its id, e-mail and password.</summary>
    public async Task<TestUser> CreateUserAsync(string role, Guid? organisationId)
    {
        await using var scope = Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<Crowdstart.Dashboard.Security.AccountAdmin>();
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..12]}@test.example";
        var password = "test-password-" + Guid.NewGuid().ToString("N")[..8];
        var (user, errors) = await accounts.CreateAsync(Crowdstart.Pipeline.Accounts.Actor.System, email, role + " under test", password, role, organisationId);
        Assert.True(user is not null, string.Join("; ", errors));
        return new TestUser(user.Id, email, password);
    }

    /// <summary>
    /// Signs in through the real sign-in form (antiforgery token included); the client keeps the cookie and, like a
    /// script of the app's own pages, proves its origin on state-changing requests (CsrfTests use clients without).
    /// </summary>
    public async Task<HttpClient> SignInAsync(TestUser user)
    {
        var client = NewCookieClient();
        var response = await PostLoginAsync(client, user.Email, user.Password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("error=", response.Headers.Location?.ToString() ?? "");
        client.DefaultRequestHeaders.Add(Crowdstart.Dashboard.Security.BrowserProtectionOptions.RequestHeader, "XMLHttpRequest");
        return client;
    }

    /// <summary>Signs in and returns the cookies (for clients that are not HttpClients, e.g. the SignalR client).</summary>
    public async Task<System.Net.CookieContainer> SignInCookiesAsync(TestUser user)
    {
        var cookies = new System.Net.CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        var response = await PostLoginAsync(client, user.Email, user.Password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return cookies;
    }

    /// <summary>A client that keeps cookies and does not follow redirects (tests look at them).</summary>
    public HttpClient NewCookieClient() => new(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false })
    {
        BaseAddress = BaseAddress,
    };

    /// <summary>Posts the sign-in form the way a browser does: GET the page for the antiforgery token, then POST.</summary>
    public async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("account/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "the sign-in page carries an antiforgery token");
        return await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Email"] = email, ["Password"] = password, ["ReturnUrl"] = "/",
        }));
    }

    /// <summary>Signs a browser page in through the sign-in form.</summary>
    public static async Task SignInAsync(Microsoft.Playwright.IPage page, TestUser user)
    {
        await page.GotoAsync("account/login");
        await page.Locator("input[name=Email]").FillAsync(user.Email);
        await page.Locator("input[name=Password]").FillAsync(user.Password);
        await page.Locator("[data-testid=login-form] button[type=submit]").ClickAsync();
        try
        {
            // Commit, not the default Load: the signed-in page's load event is not what sign-in is about, and
            // waiting for it once timed out on a page that had arrived, rendered and gone live.
            await page.WaitForURLAsync(url => !url.Contains("/account/login"), new() { WaitUntil = Microsoft.Playwright.WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "sign-in-failed.png") });
            throw new TimeoutException($"sign-in as {user.Email} did not leave the sign-in page: {page.Url}");
        }
    }

    /// <summary>Creates an organisation.</summary>
    public Task<Guid> CreateOrganisationAsync(string name = "Test organisation") => Database.CreateOrganisationAsync(name);

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
            var lag = await Database.LagAsync();
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

    /// <summary>The app host over <paramref name="connectionString"/> (fault tests start their own).</summary>
    internal sealed class AppFactory(string connectionString, int partitions) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Crowdstart", connectionString);
            builder.UseSetting("Demo:Enabled", "false");
            builder.UseSetting("Log:PartitionCount", partitions.ToString());
            builder.UseSetting("Processing:PollIntervalMilliseconds", "500");
            // Alerts are evaluated often so browser tests see banners within seconds.
            builder.UseSetting("Alerts:EvaluationIntervalSeconds", "2");
            builder.UseSetting("Alerts:LatenessSeconds", "0");
            builder.UseSetting("Alerts:WarmupSeconds", "0");
            // Tests deliver webhooks to receivers on loopback.
            builder.UseSetting("Alerts:AllowPrivateWebhookTargets", "true");
            // Cookies re-checked every second, so a test sees a locked account refused without waiting a minute.
            builder.UseSetting("Accounts:SessionValidationSeconds", "1");
            // Every test calls from loopback: room for the suite's deliberate wrong keys; the throttle's own test
            // presents its wrong keys from a forwarded address of its own.
            builder.UseSetting("Ingestion:FailedKeyAttemptsPerWindow", "60");
        }
    }
}

/// <summary>An account created for a test, with its password.</summary>
public sealed record TestUser(Guid Id, string Email, string Password);

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "running app";
}

/// <summary>
/// Fault tests that run their own app (a cut database, SIGKILLed processes): alone, after the parallel collections,
/// so their load does not starve the browser tests on a two-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "faults";
}
