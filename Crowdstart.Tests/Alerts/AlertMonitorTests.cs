using System.Net;
using System.Security.Cryptography;
using System.Text;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Alerts;

/// <summary>The monitor over real pipeline output (from either log engine) in PostgreSQL, the alert lifecycle in storage, and webhook delivery to a real HTTP receiver.</summary>
[Layer(TestLayer.Database)]
public sealed class AlertMonitorTests(TestDatabase db) : AlertMonitorTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class AlertMonitorTestsOnJetStream(JetStreamTestDatabase db) : AlertMonitorTests<JetStreamTestDatabase>(db);

/// <summary>The tests of <see cref="AlertMonitorTests"/> on each log engine (the engine is the fixture's).</summary>
public abstract class AlertMonitorTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private sealed class Clients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new SocketsHttpHandler { AllowAutoRedirect = false });
    }

    private async Task<(Guid Campaign, AccountServices Svc, AlertStore Store, AlertMonitor Monitor, AlertFeed Feed, IOptions<AlertOptions> Options)> ArrangeOutageAsync(FakeTimeProvider time)
    {
        var now = time.GetUtcNow();
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "alert-" + Guid.NewGuid().ToString("N")[..8], "Alert lamp", "EUR", 10_000m,
            now.AddHours(-3), allowedLatenessSeconds: 3 * 3600)).Id;
        var events = IncidentTraffic.Generate(campaign, now, 60, TimeSpan.FromMinutes(95), TimeSpan.FromMinutes(6), new Conditions(CheckoutBreakage: 0.9));
        await db.Log.AppendAsync(events, time);
        await db.Log.ProcessAllAsync(5000);
        var svc = new AccountServices(db, time);
        var feed = new AlertFeed();
        var options = Options.Create(new AlertOptions { LatenessSeconds = 0, AllowPrivateWebhookTargets = true, WebhookInitialBackoffSeconds = 5 });
        var store = new AlertStore(db.Contexts, svc.Access, feed, time);
        var monitor = new AlertMonitor(db.DataSource, db.Contexts, store, options, time, NullLogger<AlertMonitor>.Instance, db.Log.Reader);
        return (campaign, svc, store, monitor, feed, options);
    }

    [Fact]
    public async Task Monitor_CheckoutOutageInRealPipelineOutput_OpensOneExplainedAlertAndDeliversSignedWebhooksWithRetry()
    {
        // Arrange: a campaign with 95 minutes of launch traffic whose last 6 minutes have 90 % of checkouts failing,
        // a webhook pointing at a local receiver that fails the first delivery.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (campaign, svc, store, monitor, feed, options) = await ArrangeOutageAsync(time);
        var creator = AccountServices.Creator(await db.CreateUserAsync($"al-{Guid.NewGuid():N}@test.example", db.OrganisationId));
        using var listener = new HttpListener();
        var port = Random.Shared.Next(20_000, 60_000);
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var webhooks = new WebhookStore(db.Contexts, svc.Access, svc.Audit, options, time);
        var hook = await webhooks.CreateAsync(creator, campaign, $"http://127.0.0.1:{port}/hook/");
        var received = new List<(string Body, string Signature, string Event)>();
        var requests = 0;
        var receiver = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch { return; }
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                // The first delivery meets a broken receiver: it must be retried, not lost.
                context.Response.StatusCode = Interlocked.Increment(ref requests) == 1 ? 500 : 204;
                if (context.Response.StatusCode == 204)
                {
                    lock (received) received.Add((body, context.Request.Headers["X-Crowdstart-Signature"]!, context.Request.Headers["X-Crowdstart-Event"]!));
                }
                context.Response.Close();
            }
        });
        var published = 0;
        using var _ = feed.Subscribe(campaign, _ => { Interlocked.Increment(ref published); return Task.CompletedTask; });

        // Act: two evaluations 10 s apart (the persistence rule), then a third.
        await monitor.EvaluateOnceAsync();
        time.Advance(TimeSpan.FromSeconds(10));
        await monitor.EvaluateOnceAsync();
        time.Advance(TimeSpan.FromSeconds(10));
        await monitor.EvaluateOnceAsync();

        // Assert: alerts stored, one per detector, each explaining itself with numbers; the feed heard of it.
        var live = await store.LiveAsync(campaign);
        Assert.Contains(live, a => a.Detector == DetectorKinds.CheckoutConversionDrop || a.Detector == DetectorKinds.CheckoutFailureSpike);
        Assert.Equal(live.Count, live.Select(a => (a.Detector, a.Scope)).Distinct().Count());
        Assert.All(live, a => Assert.Matches(@"\d+ %|\d+/min", a.Message));
        Assert.True(published > 0);

        // Webhooks: the first attempt fails (500), the retry after the backoff succeeds; the signature verifies.
        var dispatcher = new WebhookDispatcher(db.Contexts, new Clients(), options, time, NullLogger<WebhookDispatcher>.Instance);
        Assert.True(await dispatcher.DeliverDueAsync() >= 1);
        var afterFirst = await webhooks.DeliveriesAsync(creator, campaign);
        Assert.Contains(afterFirst, d => d.Status == "pending" && d.Attempts == 1 && d.LastStatusCode == 500);
        time.Advance(TimeSpan.FromSeconds(6));
        await dispatcher.DeliverDueAsync();
        var log = await webhooks.DeliveriesAsync(creator, campaign);
        Assert.Contains(log, d => d.Event == "alert.opened");
        Assert.All(log.Where(d => d.Event == "alert.opened"), d => Assert.Equal("delivered", d.Status));
        Assert.Contains(log, d => d.Attempts == 2 && d.Status == "delivered");
        var (body, signature, evt) = received.First();
        Assert.Equal("alert.opened", evt);
        var t = long.Parse(signature.Split(',')[0][2..]);
        Assert.Equal(WebhookStore.Sign(hook.Secret, t, body), signature);
        Assert.NotEqual(WebhookStore.Sign("wrong-secret", t, body), signature);
        Assert.Contains("\"detector\"", body);

        // Acknowledge, then resolve by hand: stored, and announced to webhooks.
        var alert = live[0];
        var acknowledged = await store.AcknowledgeAsync(creator, campaign, alert.Id);
        Assert.Equal(AlertStatus.Acknowledged, acknowledged.Status);
        await Assert.ThrowsAsync<ConflictException>(() => store.AcknowledgeAsync(creator, campaign, alert.Id));
        var outsider = AccountServices.Creator(await db.CreateUserAsync($"out-{Guid.NewGuid():N}@test.example", await db.CreateOrganisationAsync("Other")));
        await Assert.ThrowsAsync<AccessDeniedException>(() => store.ResolveAsync(outsider, campaign, alert.Id));
        await store.ResolveAsync(creator, campaign, alert.Id);
        Assert.DoesNotContain(await store.LiveAsync(campaign), a => a.Id == alert.Id);
        time.Advance(TimeSpan.FromSeconds(1));
        await dispatcher.DeliverDueAsync();
        Assert.Contains(received, r => r.Event == "alert.acknowledged");
        Assert.Contains(received, r => r.Event == "alert.resolved");
        listener.Stop();
    }

    [Fact]
    public async Task Monitor_PipelineBehind_DoesNotJudgeBucketsItHasNotProcessed()
    {
        // Arrange
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (campaign, _, store, monitor, _, _) = await ArrangeOutageAsync(time);
        // One event received 20 minutes ago still waits in the log: the pipeline is behind since then.
        var stale = new FakeTimeProvider(time.GetUtcNow().AddMinutes(-20));
        await db.Log.AppendAsync([EventFactory.Event(campaign, "late-visitor", Crowdstart.Pipeline.Events.EventTypes.PageView, stale.GetUtcNow())], stale);

        // Act + Assert: the backlog is asked of the log engine (on JetStream the waiting event is no row of event_log yet).
        await monitor.EvaluateOnceAsync();
        time.Advance(TimeSpan.FromSeconds(10));
        await monitor.EvaluateOnceAsync();
        Assert.Empty(await store.LiveAsync(campaign));

        // Act + Assert: caught up, the outage is judged.
        await db.Log.ProcessAllAsync(5000);
        time.Advance(TimeSpan.FromSeconds(10));
        await monitor.EvaluateOnceAsync();
        time.Advance(TimeSpan.FromSeconds(10));
        await monitor.EvaluateOnceAsync();
        Assert.NotEmpty(await store.LiveAsync(campaign));
    }

    [Fact]
    public async Task Acknowledge_AlertOfAnotherCampaignThroughOwnCampaign_IsRefused()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (campaign, svc, store, monitor, _, _) = await ArrangeOutageAsync(time);
        await monitor.EvaluateOnceAsync();
        time.Advance(TimeSpan.FromSeconds(10));
        await monitor.EvaluateOnceAsync();
        var alert = (await store.LiveAsync(campaign))[0];
        var otherOrg = await db.CreateOrganisationAsync("Other shop");
        var own = (await db.Campaigns.CreateCampaignAsync(otherOrg, "own-" + Guid.NewGuid().ToString("N")[..8], "Own", "EUR", 1m, DateTimeOffset.UtcNow)).Id;
        var otherCreator = AccountServices.Creator(await db.CreateUserAsync($"oc-{Guid.NewGuid():N}@test.example", otherOrg));

        await Assert.ThrowsAsync<NotFoundException>(() => store.AcknowledgeAsync(otherCreator, own, alert.Id));

        Assert.Equal(AlertStatus.Open, (await store.LiveAsync(campaign)).Single(a => a.Id == alert.Id).Status);
    }

    [Fact]
    public async Task Monitor_RestartedWhileAlertOpen_DoesNotOpenItTwice()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (campaign, svc, store, monitor, feed, options) = await ArrangeOutageAsync(time);
        await monitor.EvaluateOnceAsync();
        time.Advance(TimeSpan.FromSeconds(10));
        await monitor.EvaluateOnceAsync();
        var before = (await store.LiveAsync(campaign)).Select(a => a.Id).ToList();

        var restarted = new AlertMonitor(db.DataSource, db.Contexts, store, options, time, NullLogger<AlertMonitor>.Instance, db.Log.Reader);
        time.Advance(TimeSpan.FromSeconds(10));
        await restarted.EvaluateOnceAsync();
        time.Advance(TimeSpan.FromSeconds(10));
        await restarted.EvaluateOnceAsync();

        // Evidence keeps accumulating, so another detector may open meanwhile; no detector opens a second episode
        Assert.NotEmpty(before);
        var after = await store.LiveAsync(campaign);
        Assert.All(before, id => Assert.Contains(after, a => a.Id == id));
        Assert.Equal(0, await db.ScalarAsync<long>(
            $"SELECT count(*) FROM (SELECT detector FROM alerts WHERE campaign_id = '{campaign}' GROUP BY detector, scope HAVING count(*) > 1) d"));
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("https://user:pass@example.com/hook")]
    public async Task ValidateUrl_SchemeCredentialsOrInternalTarget_IsRefused(string url)
    {
        await Assert.ThrowsAsync<DomainValidationException>(() => WebhookStore.ValidateUrlAsync(url, allowPrivate: false));
    }
}
