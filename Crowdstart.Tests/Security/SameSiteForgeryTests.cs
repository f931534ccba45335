using System.Net;
using System.Net.WebSockets;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Crowdstart.Tests.Security;

/// <summary>
/// Same-site request forgery: the auth cookie is SameSite=Strict, but a page on another port of the same host (or a
/// sibling subdomain) is the same site, so the browser sends the cookie along. State-changing cookie requests must
/// prove their origin, and the live connections accept only the app's own origin.
/// </summary>
[Layer(TestLayer.Browser)]
[Collection(AppCollection.Name)]
public class SameSiteForgeryTests(AppFixture app, BrowserFixture browser) : BrowserTest(browser)
{
    private const int Timeout = 30_000;

    private async Task<(Guid Campaign, Guid Alert, TestUser Creator)> OpenAlertAsync()
    {
        var organisation = await app.CreateOrganisationAsync("Forgery org");
        var creator = await app.CreateUserAsync(Roles.Creator, organisation);
        var (campaign, _) = await app.CreateCampaignAsync(name: "Forgery lamp", organisationId: organisation);
        var alert = Guid.NewGuid();
        await app.Database.ScalarAsync<int>(
            "WITH a AS (INSERT INTO alerts (id, campaign_id, detector, scope, status, severity, message, value, baseline_low, baseline_high, opened_at, updated_at) " +
            $"VALUES ('{alert}', '{campaign}', 'traffic_drop', 'campaign', 'open', 'Warning', 'forgery target', 0, 0, 0, now(), now()) RETURNING 1) SELECT count(*)::int FROM a");
        return (campaign, alert, creator);
    }

    private Task<string> AlertStatusAsync(Guid alert) => app.Database.ScalarAsync<string>($"SELECT status FROM alerts WHERE id = '{alert}'");

    private async Task<HttpClient> CookieOnlyClientAsync(TestUser user)
    {
        var client = app.NewCookieClient();
        Assert.Equal(HttpStatusCode.Redirect, (await app.PostLoginAsync(client, user.Email, user.Password)).StatusCode);
        return client;
    }

    private string OwnOrigin => app.BaseAddress.GetLeftPart(UriPartial.Authority);

    private async Task<HttpStatusCode> WebSocketStatusAsync(string path, System.Net.CookieContainer cookies, string? origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }
        var uri = new UriBuilder(new Uri(app.BaseAddress, path)) { Scheme = "ws" }.Uri;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    [Fact]
    public async Task Acknowledge_CookieWithoutProofOfOrigin_RefusedAndAlertStaysOpen()
    {
        // Arrange
        var (campaign, alert, creator) = await OpenAlertAsync();
        using var client = await CookieOnlyClientAsync(creator);
        var url = $"api/v1/campaigns/{campaign}/alerts/{alert}/acknowledge";

        // Act: what a form on another page sends (no custom header), then a script of another origin with the header
        using var formPost = await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>()));
        using var foreign = new HttpRequestMessage(HttpMethod.Post, url) { Headers = { { "Origin", "http://127.0.0.1:1" }, { BrowserProtectionOptions.RequestHeader, "XMLHttpRequest" } } };
        using var foreignPost = await client.SendAsync(foreign);
        var statusAfterForgeries = await AlertStatusAsync(alert);
        using var own = new HttpRequestMessage(HttpMethod.Post, url) { Headers = { { "Origin", OwnOrigin }, { BrowserProtectionOptions.RequestHeader, "XMLHttpRequest" } } };
        using var ownPost = await client.SendAsync(own);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, formPost.StatusCode);
        Assert.Contains(BrowserProtectionOptions.RequestHeader, await formPost.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, foreignPost.StatusCode);
        Assert.Equal("open", statusAfterForgeries);
        Assert.Equal(HttpStatusCode.OK, ownPost.StatusCode);
        Assert.Equal("acknowledged", await AlertStatusAsync(alert));
    }

    [Fact]
    public async Task LiveConnections_ForeignOrigin_RefusedOwnOriginAccepted()
    {
        // Arrange
        var (_, _, creator) = await OpenAlertAsync();
        var cookies = await app.SignInCookiesAsync(creator);

        // Act
        var hubForeign = await WebSocketStatusAsync("hubs/campaigns", cookies, "http://127.0.0.1:1");
        var blazorForeign = await WebSocketStatusAsync("_blazor", cookies, "http://evil.127.0.0.1.nip.io");
        var hubOwn = await WebSocketStatusAsync("hubs/campaigns", cookies, OwnOrigin);
        var hubProgram = await WebSocketStatusAsync("hubs/campaigns", cookies, origin: null);

        // Assert: refused before SignalR; the app's own pages and programs (no Origin) still connect
        Assert.Equal(HttpStatusCode.Forbidden, hubForeign);
        Assert.Equal(HttpStatusCode.Forbidden, blazorForeign);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, hubOwn);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, hubProgram);
    }

    [Fact]
    public async Task PageOnAnotherLoopbackPort_FormPostFetchAndWebSockets_AllRefusedForASignedInCreator()
    {
        // Arrange: a signed-in creator, and an attacker's page served from another port of the same host
        var (campaign, alert, creator) = await OpenAlertAsync();
        var target = OwnOrigin;
        var wsTarget = target.Replace("http://", "ws://", StringComparison.Ordinal);
        var html = $$"""
            <!DOCTYPE html><html><body>
            <form id="forge" method="post" action="{{target}}/api/v1/campaigns/{{campaign}}/alerts/{{alert}}/acknowledge"></form>
            <script>
              function connect(url) {
                return new Promise(resolve => {
                  const socket = new WebSocket(url);
                  socket.onopen = () => { resolve('open'); socket.close(); };
                  socket.onerror = () => resolve('refused');
                });
              }
              window.attack = async () => {
                const fetched = await fetch('{{target}}/api/v1/campaigns/{{campaign}}/alerts/{{alert}}/resolve',
                  { method: 'POST', credentials: 'include', mode: 'no-cors' }).then(() => 'sent', () => 'failed');
                return { fetched, hub: await connect('{{wsTarget}}/hubs/campaigns'), blazor: await connect('{{wsTarget}}/_blazor') };
              };
            </script></body></html>
            """;
        await using var attacker = await AttackerSite.StartAsync(html);
        var context = await NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await AppFixture.SignInAsync(page, creator);

        // Act: the creator visits the attacker's page, which tries everything a page can do
        await page.GotoAsync(attacker.Url);
        var outcome = await page.EvaluateAsync<Dictionary<string, string>>("() => window.attack()");
        var afterScripts = await AlertStatusAsync(alert);
        var response = await page.RunAndWaitForResponseAsync(() => page.EvaluateAsync("() => document.getElementById('forge').submit()"),
            r => r.Url.EndsWith("/acknowledge", StringComparison.Ordinal), new() { Timeout = Timeout });
        var formStatus = response.Status;

        // Assert: the cookie went along (same site) but nothing changed and no live connection opened
        Assert.Equal("refused", outcome["hub"]);
        Assert.Equal("refused", outcome["blazor"]);
        Assert.Equal("open", afterScripts);
        Assert.Equal(403, formStatus);
        Assert.Equal("open", await AlertStatusAsync(alert));
    }

    /// <summary>A page served by a second web server on another loopback port: a same-site, cross-origin attacker.</summary>
    private sealed class AttackerSite : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private AttackerSite(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public string Url { get; }

        public static async Task<AttackerSite> StartAsync(string html)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/", () => Results.Content(html, "text/html"));
            await app.StartAsync();
            return new AttackerSite(app, app.Urls.First() + "/");
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
