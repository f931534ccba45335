using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Crowdstart.Dashboard.Hubs;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Crowdstart.Tests.Cluster;

/// <summary>
/// The product as a cluster: three JetStream servers (replicas 3), two app processes on one PostgreSQL. Events posted
/// to one instance are live on the other, on its hub and on its campaign page in Chromium; a JetStream server or an app
/// instance killed with SIGKILL while clients post loses no acknowledged event and counts none twice (rollups equal the
/// recomputation from the raw log); a dead instance's partitions move to the survivor within 15 s; a key revoked on one
/// instance is refused by the other within a second, and a data-access grant revoked on one instance's admin page
/// drops the customer timeline open on the other within seconds. Runs with the fault tests, alone.
/// </summary>
[Layer(TestLayer.Fault)]
[Collection(FaultCollection.Name)]
public sealed class ClusterFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AdminEmail = "cluster-admin@test.example";
    private const string AdminPassword = "cluster-admin-password-1";
    private readonly JetStreamTestDatabase _database = new();
    private readonly NatsCluster _nats = new();
    private readonly string _stream = "CLUSTER_" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<Process> _apps = [];
    // Started only by the test that drives pages, so the other cluster tests do not pay for a browser.
    private readonly BrowserFixture _browser = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await _nats.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Where(a => !a.HasExited))
        {
            app.Kill();
            await app.WaitForExitAsync();
        }
        await _browser.DisposeAsync();
        await _nats.DisposeAsync();
        await _database.DisposeAsync();
    }

    private sealed record Instance(Process Process, HttpClient Client)
    {
        public Uri Address => Client.BaseAddress!;
    }

    private async Task<Instance> StartInstanceAsync(string roles = "Ingest, Pipeline, Dashboard")
    {
        var port = FreePort();
        var dir = AppDirectory();
        var start = new ProcessStartInfo("dotnet", Path.Combine(dir, "Crowdstart.Dashboard.dll"))
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = start.Environment;
        env["ConnectionStrings__Crowdstart"] = _database.ConnectionString;
        env["Urls"] = $"http://127.0.0.1:{port}";
        env["Demo__Enabled"] = "false";
        env["Alerts__Enabled"] = "false";
        env["Log__PartitionCount"] = _database.PartitionCount.ToString();
        env["Log__Engine"] = "JetStream";
        env["Log__JetStream__Url"] = _nats.Urls;
        env["Log__JetStream__Replicas"] = "3";
        env["Log__JetStream__Stream"] = _stream;
        env["Log__JetStream__Subject"] = _stream.ToLowerInvariant();
        env["Accounts__BootstrapAdminEmail"] = AdminEmail;
        env["Accounts__BootstrapAdminPassword"] = AdminPassword;
        env["Logging__LogLevel__Default"] = "Warning";
        env["Instance__Roles"] = roles;
        var process = Process.Start(start)!;
        var log = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { log.Enqueue(line); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { log.Enqueue(line); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _apps.Add(process);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(15) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, "the instance exited while starting: " + string.Join(Environment.NewLine, log.TakeLast(30)));
            try
            {
                using var response = await client.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return new Instance(process, client);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(120), "the instance did not start: " + string.Join(Environment.NewLine, log.TakeLast(30)));
            await Task.Delay(200);
        }
    }

    private static string AppDirectory()
    {
        var tests = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(tests).Parent!.Name;
        var root = new DirectoryInfo(tests).Parent!.Parent!.Parent!.Parent!.FullName;
        var dir = Path.Combine(root, "Crowdstart.Dashboard", "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(dir, "Crowdstart.Dashboard.dll")), $"the app is not built at {dir}");
        return dir;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<(Guid Campaign, string Key)> NewCampaignAsync()
    {
        var campaign = await _database.Campaigns.CreateCampaignAsync(_database.OrganisationId, "cl-" + Guid.NewGuid().ToString("N")[..8], "Cluster lamp", "EUR",
            1000m, DateTimeOffset.UtcNow.AddHours(-1));
        return (campaign.Id, await _database.Campaigns.CreateIngestKeyAsync(campaign.Id, "cluster"));
    }

    private static HttpRequestMessage Events(string key, IEnumerable<object> events) => new(HttpMethod.Post, "api/v1/events")
    {
        Content = new StringContent(JsonSerializer.Serialize(events), Encoding.UTF8, "application/json"),
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
    };

    private static object Event(Guid id, Guid campaign, string customer, bool pledge) => pledge
        ? new { eventId = id, type = "pledge_completed", campaignId = campaign, customerId = customer, sessionId = "cs", occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "direct", amount = 15m, currency = "EUR" }
        : new { eventId = id, type = "page_view", campaignId = campaign, customerId = customer, sessionId = "cs", occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "social:reddit" };

    /// <summary>
    /// Clients posting batches of 20 to every instance in turn until stopped (about 10 requests a second each: the
    /// point is correctness under faults, and an unbounded load would only measure how long two cores take to catch
    /// up); returns the acknowledged event ids.
    /// </summary>
    private static async Task<ConcurrentBag<Guid>> LoadAsync(IReadOnlyList<Instance> instances, Guid campaign, string key, Func<Task> during)
    {
        var acknowledged = new ConcurrentBag<Guid>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
                using var request = Events(key, ids.Select((id, i) => Event(id, campaign, $"w{w}-{(n * 20 + i) % 150}", i % 7 == 0)));
                try
                {
                    using var response = await instances[(w + n) % instances.Count].Client.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        ids.ForEach(acknowledged.Add);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // An instance that is being killed: the batch was not acknowledged, the client moves on.
                }
                await Task.Delay(100);
            }
        })).ToList();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await during();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        return acknowledged;
    }

    /// <summary>Waits until the instance reports its pipeline caught up twice in a row.</summary>
    private static async Task WaitCaughtUpAsync(Instance instance)
    {
        var deadline = Stopwatch.StartNew();
        var streak = 0;
        var body = "";
        while (streak < 2)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(180), "the pipeline did not catch up: " + body);
            await Task.Delay(500);
            using var response = await instance.Client.GetAsync("readyz");
            body = await response.Content.ReadAsStringAsync();
            streak = response.StatusCode == HttpStatusCode.OK && body.Contains("\"lag_events\":0", StringComparison.Ordinal) ? streak + 1 : 0;
        }
    }

    private async Task AssertExactlyOnceAsync(Guid campaign, ConcurrentBag<Guid> acknowledged)
    {
        var stored = new List<Guid>();
        await using (var cmd = _database.DataSource.CreateCommand($"SELECT event_id FROM event_log WHERE campaign_id = '{campaign}'"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetGuid(0));
            }
        }
        output.WriteLine($"acknowledged {acknowledged.Count:N0}, stored {stored.Count:N0}");
        Assert.True(acknowledged.Count > 300, $"the load reached the cluster ({acknowledged.Count} acknowledged)");
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Empty(acknowledged.Except(stored));
        Assert.Equal(await RollupOracle.RecomputeAsync(_database.DataSource), await RollupOracle.StoredAsync(_database.DataSource));
        var (expected, totals) = await RollupOracle.TotalsAsync(_database.DataSource);
        Assert.Equal(expected, totals);
    }

    [Fact]
    public async Task Cluster_EventsPostedToA_LiveOnBAndKeyAndGrantRevokedOnAEnforcedOnB()
    {
        // Arrange: an admin streams the campaign from B's hub and has its live page open on B in Chromium; a creator
        // of the campaign's organisation exists (created by the system, so the bootstrap admin may grant it access)
        var (campaign, key) = await NewCampaignAsync();
        var creator = await NewCreatorAsync();
        var a = await StartInstanceAsync();
        var b = await StartInstanceAsync();
        var cookies = await SignInAsync(b);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(b.Address, CampaignHub.Route.TrimStart('/')), HttpTransportType.WebSockets, o => o.Cookies = cookies)
            .Build();
        await hub.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var snapshots = hub.StreamAsync<CampaignSnapshotMessage>(nameof(CampaignHub.StreamSnapshots), campaign, timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await snapshots.MoveNextAsync());
        await _browser.InitializeAsync();
        var adminOnB = await SignedInPageAsync(b, AdminEmail, AdminPassword);
        await GoAsync(adminOnB, $"campaigns/{campaign}");
        await Assertions.Expect(adminOnB.GetByTestId("kpi-pledges")).ToHaveTextAsync("0", new() { Timeout = PageTimeout });

        // Act 1: 220 events posted to A only: 200 visitors, 20 of whom pledge €15
        for (var batch = 0; batch < 10; batch++)
        {
            var events = Enumerable.Range(0, 20).Select(i => Event(Guid.NewGuid(), campaign, $"live-{batch}-{i}", false))
                .Concat([Event(Guid.NewGuid(), campaign, $"live-{batch}-0", true), Event(Guid.NewGuid(), campaign, $"live-{batch}-10", true)]);
            using var response = await a.Client.SendAsync(Events(key, events));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        var live = Stopwatch.StartNew();
        while (snapshots.Current.Events < 220)
        {
            Assert.True(await snapshots.MoveNextAsync(), "B's stream ended before it showed A's events");
        }
        output.WriteLine($"B's hub showed A's 220 events {live.ElapsedMilliseconds} ms after the last 202");
        // The page on B has no reload: the figures come through B's circuit, woken by B's processors or the bus.
        await Assertions.Expect(adminOnB.GetByTestId("kpi-pledges")).ToHaveTextAsync("20", new() { Timeout = PageTimeout });
        await Assertions.Expect(adminOnB.GetByTestId("kpi-pledged-total")).ToHaveTextAsync("€300");
        await Assertions.Expect(adminOnB.GetByTestId("funnel-step-customers").First).ToHaveTextAsync("200");
        output.WriteLine($"B's campaign page in Chromium showed A's events {live.ElapsedMilliseconds} ms after the last 202");
        await adminOnB.ScreenshotAsync(new() { Path = Shot("cluster-live-on-b.png"), FullPage = true });
        // Closed, so its circuit's recomputations do not load the two cores while the key revocation is timed.
        await adminOnB.Context.CloseAsync();

        // Act 2: the key is revoked on A (signed-in management API); B must refuse it within a second
        var keyId = await KeyIdAsync(campaign);
        using var admin = await SignedInClientAsync(a);
        using (var revoke = await admin.DeleteAsync($"api/v1/campaigns/{campaign}/keys/{keyId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        var refused = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var response = await b.Client.SendAsync(Events(key, [Event(Guid.NewGuid(), campaign, "after-revoke", false)]));
            status = response.StatusCode;
        }
        while (status == HttpStatusCode.Accepted && refused.Elapsed < TimeSpan.FromSeconds(5));
        refused.Stop();

        // Act 3: the creator asks on B, the admin approves on A, and the creator opens a customer's timeline on B
        const string Reason = "Backer says the pledge was charged twice";
        var creatorOnB = await SignedInPageAsync(b, creator.Email, creator.Password);
        await GoAsync(creatorOnB, $"campaigns/{campaign}");
        await creatorOnB.GetByTestId("request-reason").FillAsync(Reason);
        await creatorOnB.GetByTestId("request-access").ClickAsync();
        await Assertions.Expect(creatorOnB.GetByTestId("request-pending")).ToBeVisibleAsync(new() { Timeout = PageTimeout });
        var adminOnA = await SignedInPageAsync(a, AdminEmail, AdminPassword);
        await GoAsync(adminOnA, "admin/access");
        await adminOnA.GetByTestId("pending-row").Filter(new() { HasText = Reason }).GetByTestId("approve").ClickAsync();
        var grantRow = adminOnA.GetByTestId("grant-row").Filter(new() { HasText = creator.Email });
        await Assertions.Expect(grantRow.GetByTestId("revoke-grant")).ToBeVisibleAsync(new() { Timeout = PageTimeout });
        // The approval on A reaches the creator's open page on B through the bus: no reload.
        await creatorOnB.GetByTestId("open-customers").ClickAsync(new() { Timeout = PageTimeout });
        // 200 customers are more than a page: find this one by its id, as a creator would.
        await creatorOnB.Locator("input[data-testid=customer-search], [data-testid=customer-search] input").First.FillAsync("live-0-0",
            new() { Timeout = PageTimeout });
        await Assertions.Expect(creatorOnB.GetByTestId("customer-row")).ToHaveCountAsync(1, new() { Timeout = PageTimeout });
        await creatorOnB.GetByTestId("customer-link").Filter(new() { HasText = "live-0-0" }).ClickAsync(new() { Timeout = PageTimeout });
        await Assertions.Expect(creatorOnB.GetByTestId("timeline-event")).ToHaveCountAsync(2, new() { Timeout = PageTimeout });

        // Act 4: the admin revokes the grant on A's page while the timeline is open on B
        var dropped = Stopwatch.StartNew();
        await grantRow.GetByTestId("revoke-grant").ClickAsync();
        await Assertions.Expect(creatorOnB.GetByTestId("access-ended")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        dropped.Stop();
        await creatorOnB.ScreenshotAsync(new() { Path = Shot("cluster-drill-down-revoked-on-b.png"), FullPage = true });

        // Assert
        Assert.Equal(campaign, snapshots.Current.CampaignId);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        output.WriteLine($"B refused the key {refused.ElapsedMilliseconds} ms after A revoked it");
        Assert.True(refused.Elapsed < TimeSpan.FromSeconds(1), $"B accepted the revoked key for {refused.ElapsedMilliseconds} ms");
        output.WriteLine($"B's open timeline showed the access ended {dropped.ElapsedMilliseconds} ms after the revoke click on A");
        await Assertions.Expect(creatorOnB.GetByTestId("timeline")).ToHaveCountAsync(0);
        await Assertions.Expect(creatorOnB.GetByTestId("timeline-event")).ToHaveCountAsync(0);
        Assert.True(dropped.Elapsed < TimeSpan.FromSeconds(5), $"B's timeline stayed on screen for {dropped.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Cluster_JetStreamServerKilledWhilePostingToAnIngestOnlyInstance_AcknowledgedEventsCountedOnce()
    {
        // Arrange: split roles, as a deployment behind a path-routing balancer has them: A only ingests, B only processes
        var (campaign, key) = await NewCampaignAsync();
        var a = await StartInstanceAsync("Ingest");
        var b = await StartInstanceAsync("Pipeline");

        // Act: SIGKILL one of the three servers under load, and bring it back afterwards
        var acknowledged = await LoadAsync([a], campaign, key, () => _nats.KillNodeAsync(0));
        await _nats.StartNodeAsync(0);
        await WaitCaughtUpAsync(a);
        await WaitCaughtUpAsync(b);
        using var eventsOnB = await b.Client.SendAsync(Events(key, [Event(Guid.NewGuid(), campaign, "wrong-door", false)]));
        using var pageOnA = await a.Client.GetAsync("account/login");

        // Assert: only B asked for partitions, and held them all; each instance serves only its role's routes
        Assert.Equal(1L, await PipelineMembersAsync());
        Assert.Equal(_database.PartitionCount, await OwnedPartitionsAsync());
        Assert.Equal(HttpStatusCode.NotFound, eventsOnB.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pageOnA.StatusCode);
        await AssertExactlyOnceAsync(campaign, acknowledged);
    }

    [Fact]
    public async Task Cluster_InstanceKilledWhilePosting_PartitionsMoveWithin15sAndNothingIsLost()
    {
        // Arrange
        var (campaign, key) = await NewCampaignAsync();
        var a = await StartInstanceAsync();
        var b = await StartInstanceAsync();
        var moved = TimeSpan.Zero;

        // Act: SIGKILL instance A under load; the clients keep posting to both (A's requests fail and are not acknowledged)
        var acknowledged = await LoadAsync([a, b], campaign, key, async () =>
        {
            a.Process.Kill();
            await a.Process.WaitForExitAsync();
            var killed = Stopwatch.StartNew();
            while (await OwnedPartitionsAsync() < _database.PartitionCount && killed.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
            moved = killed.Elapsed;
        });
        await WaitCaughtUpAsync(b);

        // Assert
        output.WriteLine($"B owned every partition {moved.TotalMilliseconds:0} ms after A was killed");
        Assert.Equal(_database.PartitionCount, await OwnedPartitionsAsync());
        Assert.True(moved < TimeSpan.FromSeconds(15), $"the partitions moved after {moved.TotalSeconds:0.0} s");
        await AssertExactlyOnceAsync(campaign, acknowledged);
    }

    private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("CROWDSTART_CLUSTER_TRIALS"), out var n) && n > 0 ? n : 2;

    [Fact]
    public async Task Cluster_RandomServersAndInstancesKilledUnderLoad_AcknowledgedEventsCountedOnce()
    {
        // Arrange: trials from CROWDSTART_CLUSTER_TRIALS (2 in the test command; scripts/fault-kill9.sh --cluster runs 10+)
        var (campaign, key) = await NewCampaignAsync();
        var instances = new List<Instance> { await StartInstanceAsync(), await StartInstanceAsync() };
        var random = new Random(17);
        var acknowledged = new ConcurrentBag<Guid>();
        var kills = new List<string>();

        // Act: each trial kills a random JetStream server or app instance at a random moment under load, then brings it back
        for (var trial = 0; trial < Trials; trial++)
        {
            var victim = random.Next(5);
            var batch = await LoadAsync(instances, campaign, key, async () =>
            {
                await Task.Delay(random.Next(0, 2000));
                if (victim < 3)
                {
                    await _nats.KillNodeAsync(victim);
                    kills.Add($"server n{victim}");
                }
                else
                {
                    var instance = instances[victim - 3];
                    instance.Process.Kill();
                    await instance.Process.WaitForExitAsync();
                    kills.Add($"instance {(char)('A' + victim - 3)}");
                }
            });
            foreach (var id in batch)
            {
                acknowledged.Add(id);
            }
            if (victim < 3)
            {
                await _nats.StartNodeAsync(victim);
            }
            else
            {
                instances[victim - 3] = await StartInstanceAsync();
            }
        }
        await WaitCaughtUpAsync(instances[0]);
        await WaitCaughtUpAsync(instances[1]);

        // Assert
        output.WriteLine($"{Trials} trials, killed {string.Join(", ", kills)}");
        await AssertExactlyOnceAsync(campaign, acknowledged);
    }

    /// <summary>Page waits: a first render on two cores shared with two app processes and three JetStream servers can be slow.</summary>
    private const float PageTimeout = 30_000;

    /// <summary>A page in a browser context of its own (cookies are per host, not per port: A and B share 127.0.0.1), signed in on the instance.</summary>
    private async Task<IPage> SignedInPageAsync(Instance instance, string email, string password)
    {
        var context = await _browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = instance.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, new TestUser(Guid.Empty, email, password));
        return page;
    }

    /// <summary>Opens a page and waits for its circuit: only then do live updates and clicks reach the server.</summary>
    private static async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = PageTimeout });
    }

    private static string Shot(string name) => Path.Combine(BrowserFixture.ArtifactsDirectory, name);

    /// <summary>
    /// A creator in the test organisation, made by the app's own account service over the shared database. Made by the
    /// system rather than through the bootstrap admin's pages: an admin may not grant data access to an account they
    /// created, and the bootstrap admin is the one who grants here.
    /// </summary>
    private async Task<(string Email, string Password)> NewCreatorAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContextFactory<CrowdstartDbContext>(o => o.UseNpgsql(_database.ConnectionString));
        // The app's password rules (length over composition), not Identity's defaults.
        services.AddIdentityCore<CrowdstartUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = o.Password.RequireDigit = o.Password.RequireUppercase = o.Password.RequireLowercase = false;
            })
            .AddRoles<IdentityRole<Guid>>().AddEntityFrameworkStores<CrowdstartDbContext>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AuditLog>();
        services.AddSingleton<Organisations>();
        services.AddOptions<RetentionOptions>();
        services.AddScoped<AccountAdmin>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var email = $"cluster-creator-{Guid.NewGuid().ToString("N")[..8]}@test.example";
        var password = "cluster-creator-password-" + Guid.NewGuid().ToString("N")[..6];
        var (user, errors) = await scope.ServiceProvider.GetRequiredService<AccountAdmin>()
            .CreateAsync(Actor.System, email, "Cluster creator", password, Roles.Creator, _database.OrganisationId);
        Assert.True(user is not null, string.Join("; ", errors));
        return (email, password);
    }

    /// <summary>Partitions whose ownership lock a live session holds.</summary>
    private Task<long> OwnedPartitionsAsync() => _database.ScalarAsync<long>(
        $"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) " +
        $"AND classid = {PartitionOwnership.LockSpace} AND objsubid = 2 AND objid < 1024 AND granted");

    /// <summary>Processes holding the shared member lock: those that take part in sharing the partitions.</summary>
    private Task<long> PipelineMembersAsync() => _database.ScalarAsync<long>(
        $"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) " +
        $"AND classid = {PartitionOwnership.LockSpace} AND objsubid = 2 AND objid = {unchecked((uint)PartitionOwnership.MemberKey)} AND granted");

    private async Task<Guid> KeyIdAsync(Guid campaign) =>
        await _database.ScalarAsync<Guid>($"SELECT id FROM ingest_keys WHERE campaign_id = '{campaign}' AND revoked_at IS NULL LIMIT 1");

    /// <summary>Signs the bootstrap admin in through the real form; the cookie client proves its origin like the app's pages.</summary>
    private static async Task<HttpClient> SignedInClientAsync(Instance instance)
    {
        var cookies = await SignInAsync(instance);
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = instance.Address };
        client.DefaultRequestHeaders.Add(Crowdstart.Dashboard.Security.BrowserProtectionOptions.RequestHeader, "XMLHttpRequest");
        return client;
    }

    private static async Task<CookieContainer> SignInAsync(Instance instance)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = instance.Address };
        var page = await client.GetStringAsync("account/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        using var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Email"] = AdminEmail, ["Password"] = AdminPassword, ["ReturnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("error=", response.Headers.Location?.ToString() ?? "");
        return cookies;
    }
}
