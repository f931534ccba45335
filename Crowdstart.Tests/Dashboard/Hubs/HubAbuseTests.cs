using System.Net;
using Crowdstart.Dashboard.Hubs;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Dashboard.Hubs;

/// <summary>Abuse of <c>/hubs/campaigns</c>: oversized messages and connection floods are refused cleanly; the server stays healthy.</summary>
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
}
