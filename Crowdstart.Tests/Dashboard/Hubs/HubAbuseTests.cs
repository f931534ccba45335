using System.Net;
using Crowdstart.Dashboard.Hubs;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Dashboard.Hubs;

/// <summary>Abuse of <c>/hubs/campaigns</c>: oversized messages and connection floods are refused cleanly; the server stays healthy.</summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class HubAbuseTests(AppFixture app)
{
    private async Task<string> TokenAsync()
    {
        var user = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        return (await app.Services.GetRequiredService<PersonalTokens>().CreateAsync(new Actor(user.Id, user.Email, false), "abuse", 7)).Plaintext;
    }

    private HubConnection Connect(string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(app.BaseAddress, CampaignHub.Route.TrimStart('/')), HttpTransportType.WebSockets, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
        .Build();

    private static Task<Exception?> ClosedAsync(HubConnection connection)
    {
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    [Fact]
    public async Task Invoke_MessageOverTheLimit_ConnectionClosedServerHealthy()
    {
        var token = await TokenAsync();
        await using var connection = Connect(token);
        await connection.StartAsync();
        var closed = ClosedAsync(connection);

        await Assert.ThrowsAnyAsync<Exception>(() => connection.InvokeAsync<object>(nameof(CampaignHub.ListCampaigns), new string('x', 200_000)));
        await closed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HubConnectionState.Disconnected, connection.State);
        using var health = await app.Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await using var again = Connect(token);
        await again.StartAsync();
        Assert.NotNull(await again.InvokeAsync<IReadOnlyList<CampaignSummary>>(nameof(CampaignHub.ListCampaigns)));
    }

    [Fact]
    public async Task Connect_MoreThanTheLimitForOneAccount_ExtraRefusedOthersServed()
    {
        // Arrange: one account holding the maximum number of connections
        var token = await TokenAsync();
        var open = new List<HubConnection>();
        for (var i = 0; i < 20; i++)
        {
            var c = Connect(token);
            await c.StartAsync();
            open.Add(c);
        }

        // Act: one more
        await using var extra = Connect(token);
        var closed = ClosedAsync(extra);
        Exception? refusal;
        try
        {
            await extra.StartAsync();
            refusal = await closed.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex)
        {
            refusal = ex;
        }
        var others = await open[0].InvokeAsync<IReadOnlyList<CampaignSummary>>(nameof(CampaignHub.ListCampaigns));
        await open[^1].DisposeAsync();
        open.RemoveAt(open.Count - 1);
        await Task.Delay(500); // the server notices the close
        await using var replacement = Connect(token);
        await replacement.StartAsync();
        var served = await replacement.InvokeAsync<IReadOnlyList<CampaignSummary>>(nameof(CampaignHub.ListCampaigns));

        // Assert
        Assert.NotNull(refusal);
        Assert.Contains("Too many open connections", refusal.Message);
        Assert.Equal(HubConnectionState.Disconnected, extra.State);
        Assert.NotNull(others);
        Assert.NotNull(served);
        foreach (var c in open)
        {
            await c.DisposeAsync();
        }
    }

    /// <summary>Opens a Blazor circuit connection the way the browser does (negotiate, WebSocket, handshake).</summary>
    private async Task<System.Net.WebSockets.ClientWebSocket> OpenCircuitSocketAsync(System.Net.CookieContainer cookies)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = app.BaseAddress };
        using var negotiate = await http.PostAsync("_blazor/negotiate?negotiateVersion=1", null);
        negotiate.EnsureSuccessStatusCode();
        var token = System.Text.Json.JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync()).RootElement.GetProperty("connectionToken").GetString();
        var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.Cookies = cookies;
        socket.Options.CollectHttpResponseDetails = true;
        var url = new UriBuilder(new Uri(app.BaseAddress, "_blazor")) { Scheme = "ws", Query = "id=" + token }.Uri;
        await socket.ConnectAsync(url, CancellationToken.None);
        await socket.SendAsync("{\"protocol\":\"blazorpack\",\"version\":1}\u001e"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
        return socket;
    }

    [Fact]
    public async Task CircuitConnect_MoreThanTheLimitForOneAccount_429OthersKept()
    {
        // Arrange: one signed-in account holding the maximum number of browser circuits
        var limit = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CampaignHubOptions>>().Value.MaxCircuitsPerUser;
        var cookies = await app.SignInCookiesAsync(await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId));
        var open = new List<System.Net.WebSockets.ClientWebSocket>();
        // Every socket this test opens is aborted at the end, pass or fail: they hold circuit slots on the shared app.
        var opened = new List<System.Net.WebSockets.ClientWebSocket>();
        async Task<System.Net.WebSockets.ClientWebSocket> OpenAsync(System.Net.CookieContainer c)
        {
            var socket = await OpenCircuitSocketAsync(c);
            opened.Add(socket);
            return socket;
        }
        try
        {
            for (var i = 0; i < limit; i++)
            {
                open.Add(await OpenAsync(cookies));
            }

            // Act: one more, then one closes and another opens
            var refusal = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => OpenAsync(cookies));
            var other = await OpenAsync(await app.SignInCookiesAsync(await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId)));
            await open[0].CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            open[0].Dispose();
            open.RemoveAt(0);
            System.Net.WebSockets.ClientWebSocket? replacement = null;
            for (var attempt = 0; replacement is null && attempt < 20; attempt++)
            {
                await Task.Delay(250); // the server notices the close
                try
                {
                    replacement = await OpenAsync(cookies);
                }
                catch (System.Net.WebSockets.WebSocketException)
                {
                }
            }

            // Assert
            Assert.Contains("429", refusal.Message);
            Assert.All(open, s => Assert.Equal(System.Net.WebSockets.WebSocketState.Open, s.State));
            Assert.Equal(System.Net.WebSockets.WebSocketState.Open, other.State);
            Assert.NotNull(replacement);
            using var health = await app.Client.GetAsync("healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            foreach (var socket in opened)
            {
                socket.Abort();
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task CircuitConnect_LongPollingFallback_RefusedAsWebSocketsOnly()
    {
        // Arrange: a negotiated circuit connection of a signed-in account
        var cookies = await app.SignInCookiesAsync(await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId));
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = app.BaseAddress };
        using var negotiate = await http.PostAsync("_blazor/negotiate?negotiateVersion=1", null);
        var token = System.Text.Json.JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync()).RootElement.GetProperty("connectionToken").GetString();

        // Act: poll instead of upgrading, as the fallback transports do
        using var poll = await http.GetAsync("_blazor?id=" + token);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, poll.StatusCode);
        Assert.Contains("WebSockets", await poll.Content.ReadAsStringAsync());
    }
}
