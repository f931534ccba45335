using System.Net;
using System.Text;
using Crowdstart.Dashboard.Utils;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Alerts;

/// <summary>
/// Chat formats and mutes end to end in PostgreSQL: alert changes stored by the real store, delivered by the real
/// dispatcher over real HTTP to local receivers that accept a body only if it passes the service's documented schema.
/// </summary>
[Layer(TestLayer.Database)]
public sealed class WebhookFormatDeliveryTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private sealed class Clients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new SocketsHttpHandler { AllowAutoRedirect = false });
    }

    /// <summary>A local receiver of one format: 204 for a body that passes the format's schema, else 400 with the problems.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();

        public Receiver(string format)
        {
            Format = format;
            var port = Random.Shared.Next(20_000, 60_000);
            Url = $"http://127.0.0.1:{port}/{format}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await _listener.GetContextAsync(); } catch { return; }
                    using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                    var body = await reader.ReadToEndAsync();
                    var problems = context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true
                        ? ChatSchemas.Check(format, body) : ["content type " + context.Request.ContentType];
                    lock (Received)
                    {
                        Received.Add((body, context.Request.Headers["X-Crowdstart-Event"] ?? "", context.Request.Headers["X-Crowdstart-Signature"] ?? "", problems));
                    }
                    context.Response.StatusCode = problems.Count == 0 ? 204 : 400;
                    if (problems.Count > 0)
                    {
                        var bytes = Encoding.UTF8.GetBytes(string.Join("; ", problems));
                        await context.Response.OutputStream.WriteAsync(bytes);
                    }
                    context.Response.Close();
                }
            });
        }

        public string Format { get; }
        public string Url { get; }
        public List<(string Body, string Event, string Signature, List<string> Problems)> Received { get; } = [];

        public void Dispose() => _listener.Close();
    }

    private sealed record Arranged(Guid Campaign, Actor Creator, AlertStore Store, AlertMuteStore Mutes, WebhookStore Webhooks, WebhookDispatcher Dispatcher, FakeTimeProvider Time);

    private async Task<Arranged> ArrangeAsync(string name = "Aurora Lamp")
    {
        // Whole seconds: PostgreSQL keeps microseconds, so times read back compare equal.
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var svc = new AccountServices(db, time);
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "fmt-" + Guid.NewGuid().ToString("N")[..8], name, "EUR", 10_000m,
            time.GetUtcNow().AddHours(-2))).Id;
        var creator = AccountServices.Creator(await db.CreateUserAsync($"fmt-{Guid.NewGuid():N}@test.example", db.OrganisationId));
        var options = Options.Create(new AlertOptions { AllowPrivateWebhookTargets = true, PublicUrl = "https://crowdstart.example/" });
        // The dashboard's own link builder, over the configured public address.
        var links = new CampaignLinks(options, new ConfigurationBuilder().Build());
        var feed = new AlertFeed();
        var store = new AlertStore(db.Contexts, svc.Access, feed, time, links);
        var mutes = new AlertMuteStore(db.Contexts, svc.Access, feed, time);
        var webhooks = new WebhookStore(db.Contexts, svc.Access, svc.Audit, options, time);
        var dispatcher = new WebhookDispatcher(db.Contexts, new Clients(), options, time, NullLogger<WebhookDispatcher>.Instance);
        return new Arranged(campaign, creator, store, mutes, webhooks, dispatcher, time);
    }

    private static AlertTransition Transition(string kind, DateTimeOffset at, string message = "Checkout conversion fell to 12 % over the last 5 min (3 of 25; baseline 31 %–44 %)") =>
        new(kind, DetectorKinds.CheckoutConversionDrop, "campaign",
            new Signal(DetectorKinds.CheckoutConversionDrop, "campaign", kind != "resolved", AlertSeverity.Critical, message, 0.12, 0.31, 0.44), at);

    [Fact]
    public async Task Deliver_EveryFormat_ReceiverAcceptsTheServicesDocumentedShapeForOpenedAndRecovered()
    {
        // Arrange: a campaign whose name tries every service's markup, one webhook and receiver per format
        var a = await ArrangeAsync("<!channel> @everyone <script>alert(1)</script> [x](https://evil.example) Lamp");
        var receivers = WebhookFormats.All.Select(f => new Receiver(f)).ToList();
        try
        {
            foreach (var r in receivers)
            {
                var hook = await a.Webhooks.CreateAsync(a.Creator, a.Campaign, r.Url, r.Format);
                Assert.Equal(r.Format, hook.Format);
            }
            Assert.Equal(WebhookFormats.All.Order(), (await a.Webhooks.ListAsync(a.Creator, a.Campaign)).Select(h => h.Format).Order());

            // Act: the alert opens, is delivered; twelve minutes later it recovers, is delivered
            await a.Store.ApplyAsync(a.Campaign, [Transition("opened", a.Time.GetUtcNow())]);
            await a.Dispatcher.DeliverDueAsync();
            a.Time.Advance(TimeSpan.FromMinutes(12));
            await a.Store.ApplyAsync(a.Campaign, [Transition("resolved", a.Time.GetUtcNow(), "back in range")]);
            await a.Dispatcher.DeliverDueAsync();

            // Assert: every delivery accepted (a receiver answers 400 to a body that breaks its schema)
            var log = await a.Webhooks.DeliveriesAsync(a.Creator, a.Campaign);
            Assert.Equal(8, log.Count);
            Assert.All(log, d => Assert.True(d.Status == "delivered", $"{d.Event}: {d.Status} {d.LastError}"));
            foreach (var r in receivers)
            {
                Assert.Equal(["alert.opened", "alert.resolved"], r.Received.Select(x => x.Event));
                Assert.All(r.Received, x => Assert.Empty(x.Problems));
                Assert.All(r.Received, x => Assert.StartsWith("t=", x.Signature));
                var recovered = r.Received[1].Body;
                Assert.Contains("Recovered at", recovered);
                Assert.Contains("after 12 min", recovered);
                // The resolution does not repeat the recovery's "back in range" as the alert's sentence: the last reading stays.
                Assert.Contains("fell to 12 %", recovered);
                if (r.Format != WebhookFormats.Json)
                {
                    Assert.Contains($"https://crowdstart.example/campaigns/{a.Campaign}", r.Received[0].Body);
                    Assert.DoesNotContain("<script>", r.Received[0].Body);
                }
            }
        }
        finally
        {
            receivers.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task Mute_AlertOpenedDuringIt_StaysOffBannerAndWebhooksUntilTheMuteEndsThenIsDelivered()
    {
        // Arrange
        var a = await ArrangeAsync();
        using var receiver = new Receiver(WebhookFormats.Slack);
        await a.Webhooks.CreateAsync(a.Creator, a.Campaign, receiver.Url, WebhookFormats.Slack);
        var mute = await a.Mutes.MuteAsync(a.Creator, a.Campaign, null, a.Time.GetUtcNow().AddHours(1), "payment provider maintenance");

        // Act: an alert opens during the mute
        a.Time.Advance(TimeSpan.FromMinutes(5));
        await a.Store.ApplyAsync(a.Campaign, [Transition("opened", a.Time.GetUtcNow())]);
        await a.Dispatcher.DeliverDueAsync();

        // Assert: recorded, held: not on the banner or the badge, nothing sent; the banner shows the mute
        var history = await a.Store.HistoryAsync(a.Campaign, new AlertQuery());
        Assert.Equal(mute.EndsAt, Assert.Single(history).MutedUntil);
        var banner = await a.Store.BannerAsync(a.Campaign);
        Assert.Empty(banner.Live);
        Assert.Equal(1, banner.Held);
        Assert.Equal("payment provider maintenance", banner.Mute?.Reason);
        Assert.Equal(mute.EndsAt, banner.NextChange);
        Assert.Empty(await a.Store.OpenCountsAsync([a.Campaign]));
        Assert.Empty(receiver.Received);

        // Act: the mute runs out with the alert still open
        a.Time.Advance(TimeSpan.FromMinutes(56));
        await a.Dispatcher.DeliverDueAsync();

        // Assert: delivered then, saying it opened during the mute; back on the banner, no mute shown
        var delivered = Assert.Single(receiver.Received);
        Assert.Empty(delivered.Problems);
        Assert.Contains("while alerts were muted", delivered.Body);
        banner = await a.Store.BannerAsync(a.Campaign);
        Assert.Single(banner.Live);
        Assert.Null(banner.Mute);
        Assert.Equal(1, (await a.Store.OpenCountsAsync([a.Campaign]))[a.Campaign]);
    }

    [Fact]
    public async Task Mute_AlertOpenedAndResolvedDuringIt_NothingIsSentAndNoRecoveryShown()
    {
        // Arrange
        var a = await ArrangeAsync();
        using var receiver = new Receiver(WebhookFormats.Discord);
        await a.Webhooks.CreateAsync(a.Creator, a.Campaign, receiver.Url, WebhookFormats.Discord);
        await a.Mutes.MuteAsync(a.Creator, a.Campaign, null, a.Time.GetUtcNow().AddHours(1), "payment provider maintenance");

        // Act
        await a.Store.ApplyAsync(a.Campaign, [Transition("opened", a.Time.GetUtcNow())]);
        a.Time.Advance(TimeSpan.FromMinutes(10));
        await a.Store.ApplyAsync(a.Campaign, [Transition("resolved", a.Time.GetUtcNow(), "back in range")]);
        a.Time.Advance(TimeSpan.FromHours(1));
        await a.Dispatcher.DeliverDueAsync();

        // Assert
        Assert.Empty(receiver.Received);
        var delivery = Assert.Single(await a.Webhooks.DeliveriesAsync(a.Creator, a.Campaign));
        Assert.Equal("muted", delivery.Status);
        Assert.Empty((await a.Store.BannerAsync(a.Campaign)).Recovered);
        Assert.Equal(AlertStatus.Resolved, Assert.Single(await a.Store.HistoryAsync(a.Campaign, new AlertQuery())).Status);
    }

    [Fact]
    public async Task EndMute_Early_HeldAlertsGoOutAtOnceAndTheEndIsAudited()
    {
        // Arrange
        var a = await ArrangeAsync();
        using var receiver = new Receiver(WebhookFormats.Teams);
        await a.Webhooks.CreateAsync(a.Creator, a.Campaign, receiver.Url, WebhookFormats.Teams);
        var mute = await a.Mutes.MuteAsync(a.Creator, a.Campaign, null, a.Time.GetUtcNow().AddHours(4), "payment provider maintenance");
        await a.Store.ApplyAsync(a.Campaign, [Transition("opened", a.Time.GetUtcNow())]);
        a.Time.Advance(TimeSpan.FromMinutes(20));

        // Act
        var ended = await a.Mutes.EndMuteAsync(a.Creator, a.Campaign, mute.Id);
        await a.Dispatcher.DeliverDueAsync();

        // Assert
        Assert.Equal(a.Time.GetUtcNow(), ended.Until);
        Assert.Empty(Assert.Single(receiver.Received).Problems);
        Assert.Single((await a.Store.BannerAsync(a.Campaign)).Live);
        await Assert.ThrowsAsync<ConflictException>(() => a.Mutes.EndMuteAsync(a.Creator, a.Campaign, mute.Id));
        Assert.Equal(1, await db.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE campaign_id = '{a.Campaign}' AND action = '{AuditActions.AlertsMuted}'"));
        Assert.Equal(1, await db.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE campaign_id = '{a.Campaign}' AND action = '{AuditActions.AlertsUnmuted}'"));
    }

    [Fact]
    public async Task Mute_AlertAlreadyOpenWhenItStarts_CarriesOnAsUsual()
    {
        // Arrange: an alert announced before the mute
        var a = await ArrangeAsync();
        using var receiver = new Receiver(WebhookFormats.Json);
        await a.Webhooks.CreateAsync(a.Creator, a.Campaign, receiver.Url);
        await a.Store.ApplyAsync(a.Campaign, [Transition("opened", a.Time.GetUtcNow())]);
        await a.Dispatcher.DeliverDueAsync();

        // Act
        await a.Mutes.MuteAsync(a.Creator, a.Campaign, null, a.Time.GetUtcNow().AddHours(1), "payment provider maintenance");
        a.Time.Advance(TimeSpan.FromMinutes(5));
        await a.Store.ApplyAsync(a.Campaign, [Transition("resolved", a.Time.GetUtcNow(), "back in range")]);
        await a.Dispatcher.DeliverDueAsync();

        // Assert: its recovery is announced like its opening was, and shown on the banner
        Assert.Equal(["alert.opened", "alert.resolved"], receiver.Received.Select(r => r.Event));
        Assert.Single((await a.Store.BannerAsync(a.Campaign)).Recovered);
    }

    [Fact]
    public async Task Banner_ResolvedAlert_ShownAsRecoveredForHalfAnHourThenGone()
    {
        // Arrange
        var a = await ArrangeAsync();
        await a.Store.ApplyAsync(a.Campaign, [Transition("opened", a.Time.GetUtcNow())]);
        a.Time.Advance(TimeSpan.FromMinutes(12));
        await a.Store.ApplyAsync(a.Campaign, [Transition("resolved", a.Time.GetUtcNow(), "back in range")]);

        // Act
        var now = await a.Store.BannerAsync(a.Campaign);
        a.Time.Advance(AlertBannerState.RecoveredShownFor + TimeSpan.FromSeconds(1));
        var later = await a.Store.BannerAsync(a.Campaign);

        // Assert
        var recovered = Assert.Single(now.Recovered);
        Assert.Empty(now.Live);
        Assert.Equal(recovered.ResolvedAt + AlertBannerState.RecoveredShownFor, now.NextChange);
        Assert.StartsWith("Recovered at ", AlertWording.Summary(recovered, AlertWording.Utc));
        Assert.Contains("after 12 min", AlertWording.Summary(recovered, AlertWording.Utc));
        Assert.Empty(later.Recovered);
    }

    [Fact]
    public async Task Mute_InvalidInput_EveryProblemNamesItsField()
    {
        var a = await ArrangeAsync();
        var now = a.Time.GetUtcNow();

        var problems = new[]
        {
            await Assert.ThrowsAsync<DomainValidationException>(() => a.Mutes.MuteAsync(a.Creator, a.Campaign, null, now.AddHours(1), "x")),
            await Assert.ThrowsAsync<DomainValidationException>(() => a.Mutes.MuteAsync(a.Creator, a.Campaign, now.AddHours(2), now.AddHours(1), "maintenance")),
            await Assert.ThrowsAsync<DomainValidationException>(() => a.Mutes.MuteAsync(a.Creator, a.Campaign, null, now.AddDays(8), "maintenance")),
            await Assert.ThrowsAsync<DomainValidationException>(() => a.Mutes.MuteAsync(a.Creator, a.Campaign, now.AddHours(-1), now.AddHours(1), "maintenance")),
            await Assert.ThrowsAsync<DomainValidationException>(() => a.Mutes.MuteAsync(a.Creator, a.Campaign, null, null, new string('r', 201))),
        };

        Assert.Equal(["reason"], problems[0].Errors.Select(e => e.Field));
        Assert.Equal(["endsAt"], problems[1].Errors.Select(e => e.Field));
        Assert.Contains("at most 7 days", Assert.Single(problems[2].Errors).Reason);
        Assert.Equal(["startsAt"], problems[3].Errors.Select(e => e.Field));
        Assert.Equal(["reason", "endsAt"], problems[4].Errors.Select(e => e.Field));
        Assert.Empty(await a.Mutes.MutesAsync(a.Campaign));
    }

    [Fact]
    public async Task Mute_OverlappingAnotherOrByAnotherOrganisation_IsRefused()
    {
        // Arrange
        var a = await ArrangeAsync();
        var now = a.Time.GetUtcNow();
        await a.Mutes.MuteAsync(a.Creator, a.Campaign, now.AddHours(1), now.AddHours(3), "planned maintenance");
        var outsider = AccountServices.Creator(await db.CreateUserAsync($"out-{Guid.NewGuid():N}@test.example", await db.CreateOrganisationAsync("Other")));

        // Act + Assert
        await Assert.ThrowsAsync<ConflictException>(() => a.Mutes.MuteAsync(a.Creator, a.Campaign, now.AddHours(2), now.AddHours(4), "another maintenance"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => a.Mutes.MuteAsync(outsider, a.Campaign, null, now.AddHours(1), "not my campaign"));
        var planned = Assert.Single(await a.Mutes.MutesAsync(a.Campaign));
        Assert.True(planned.IsUpcoming(now));
        await Assert.ThrowsAsync<AccessDeniedException>(() => a.Mutes.EndMuteAsync(outsider, a.Campaign, planned.Id));
        // Back to back is no overlap.
        await a.Mutes.MuteAsync(a.Creator, a.Campaign, now.AddHours(3), now.AddHours(4), "second maintenance window");
        Assert.Equal(2, (await a.Mutes.MutesAsync(a.Campaign)).Count);
    }

    [Fact]
    public async Task SendTest_EachFormat_SampleAlertDeliveredInTheWebhooksFormat()
    {
        // Arrange
        var a = await ArrangeAsync("Ember <Isles> & @here");
        var receivers = WebhookFormats.All.Select(f => new Receiver(f)).ToList();
        try
        {
            var hooks = new List<Guid>();
            foreach (var r in receivers)
            {
                hooks.Add((await a.Webhooks.CreateAsync(a.Creator, a.Campaign, r.Url, r.Format)).Id);
            }

            // Act
            foreach (var hook in hooks)
            {
                await a.Webhooks.SendTestAsync(a.Creator, a.Campaign, hook);
            }
            await a.Dispatcher.DeliverDueAsync();

            // Assert
            Assert.All(await a.Webhooks.DeliveriesAsync(a.Creator, a.Campaign), d => Assert.Equal(("webhook.test", "delivered"), (d.Event, d.Status)));
            Assert.All(receivers, r => Assert.Empty(Assert.Single(r.Received).Problems));
            Assert.All(receivers, r => Assert.Contains("Test message", r.Received[0].Body));
            await Assert.ThrowsAsync<NotFoundException>(() => a.Webhooks.SendTestAsync(a.Creator, a.Campaign, Guid.NewGuid()));
        }
        finally
        {
            receivers.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task CreateWebhook_UnknownFormat_ValidationErrorNamingFormat()
    {
        var a = await ArrangeAsync();

        var error = await Assert.ThrowsAsync<DomainValidationException>(() => a.Webhooks.CreateAsync(a.Creator, a.Campaign, "http://127.0.0.1:9/x", "msteams"));

        Assert.Equal("format", Assert.Single(error.Errors).Field);
    }
}
