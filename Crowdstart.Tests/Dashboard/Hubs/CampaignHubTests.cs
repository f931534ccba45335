using System.Net;
using Crowdstart.Dashboard.Hubs;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Dashboard.Hubs;

/// <summary><c>/hubs/campaigns</c> through the .NET SignalR client against the running app.</summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class CampaignHubTests(AppFixture app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private HubConnection Connect(CookieContainer? cookies) => new HubConnectionBuilder()
        .WithUrl(new Uri(app.BaseAddress, CampaignHub.Route.TrimStart('/')), HttpTransportType.WebSockets, o =>
        {
            if (cookies is not null)
            {
                o.Cookies = cookies;
            }
        })
        .Build();

    private static object Event(Guid campaign, string type, string customer, decimal? amount = null) => amount is null
        ? new { eventId = Guid.NewGuid(), type, campaignId = campaign, customerId = customer, sessionId = "s-" + customer, occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "social:reddit" }
        : new { eventId = Guid.NewGuid(), type, campaignId = campaign, customerId = customer, sessionId = "s-" + customer, occurredAt = DateTimeOffset.UtcNow.ToString("O"), source = "direct", amount = amount.Value, currency = "EUR" } as object;

    [Fact]
    public async Task StreamSnapshots_CreatorOfTheCampaign_ReceivesCurrentThenUpdatedSnapshots()
    {
        // Arrange
        var (campaign, key) = await app.CreateCampaignAsync(name: "Hub lamp");
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        await using var connection = Connect(await app.SignInCookiesAsync(creator));
        await connection.StartAsync();
        using var cts = new CancellationTokenSource(Wait);

        // Act: subscribe, then send events through the ingest API
        var stream = connection.StreamAsync<CampaignSnapshotMessage>(nameof(CampaignHub.StreamSnapshots), campaign, cts.Token);
        await using var snapshots = stream.GetAsyncEnumerator(cts.Token);
        Assert.True(await snapshots.MoveNextAsync());
        var first = snapshots.Current;
        (await app.PostEventsAsync(key, new[]
        {
            Event(campaign, "page_view", "h-1"), Event(campaign, "pledge_completed", "h-1", 120m), Event(campaign, "pledge_completed", "h-2", 30m),
        })).EnsureSuccessStatusCode();
        CampaignSnapshotMessage latest;
        do
        {
            Assert.True(await snapshots.MoveNextAsync());
            latest = snapshots.Current;
        }
        while (latest.Pledges < 2);

        // Assert
        Assert.Equal(campaign, first.CampaignId);
        Assert.Equal("Hub lamp", first.Name);
        Assert.Equal(0, first.Pledges);
        Assert.Equal(150m, latest.NetPledged);
        Assert.Equal(3, latest.Events);
        Assert.Equal(150m, latest.Metrics.Revenue.Pledged);
        Assert.Equal(3, latest.Metrics.Conversion.Count);
        Assert.Equal(1, latest.Metrics.Funnel[0].Customers);
        Assert.Equal(1, latest.Metrics.Funnel[0].BySource["social:reddit"]);
    }

    [Fact]
    public async Task StreamSnapshots_CreatorOfAnotherOrganisation_IsRefused()
    {
        var (campaign, _) = await app.CreateCampaignAsync();
        var stranger = await app.CreateUserAsync(Roles.Creator, await app.CreateOrganisationAsync("Hub strangers"));
        await using var connection = Connect(await app.SignInCookiesAsync(stranger));
        await connection.StartAsync();
        using var cts = new CancellationTokenSource(Wait);

        var error = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in connection.StreamAsync<CampaignSnapshotMessage>(nameof(CampaignHub.StreamSnapshots), campaign, cts.Token))
            {
            }
        });

        Assert.Contains("not found or not accessible", error.Message);
        // Nothing about the campaign leaked, and the stranger's own list does not name it.
        var listed = await connection.InvokeAsync<List<CampaignSummary>>(nameof(CampaignHub.ListCampaigns), cts.Token);
        Assert.DoesNotContain(listed, c => c.Id == campaign);
    }

    [Fact]
    public async Task StreamSnapshots_UnknownCampaign_IsRefusedLikeAForeignOne()
    {
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        await using var connection = Connect(await app.SignInCookiesAsync(creator));
        await connection.StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in connection.StreamAsync<CampaignSnapshotMessage>(nameof(CampaignHub.StreamSnapshots), Guid.NewGuid()))
            {
            }
        });

        Assert.Contains("not found or not accessible", error.Message);
    }

    [Fact]
    public async Task Connect_Anonymous_IsRefusedAtNegotiation()
    {
        await using var connection = Connect(cookies: null);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task ListCampaigns_Admin_SeesEveryCampaign()
    {
        var (campaign, _) = await app.CreateCampaignAsync(organisationId: await app.CreateOrganisationAsync("Hub org"));
        var admin = await app.CreateUserAsync(Roles.Admin, null);
        await using var connection = Connect(await app.SignInCookiesAsync(admin));
        await connection.StartAsync();

        var listed = await connection.InvokeAsync<List<CampaignSummary>>(nameof(CampaignHub.ListCampaigns));

        Assert.Contains(listed, c => c.Id == campaign);
    }

    [Fact]
    public async Task StreamSnapshots_AccountLockedAfterConnecting_IsRefusedDespiteTheCookie()
    {
        // Arrange: a connected creator whose account is then locked out
        var (campaign, _) = await app.CreateCampaignAsync();
        var creator = await app.CreateUserAsync(Roles.Creator, app.Database.OrganisationId);
        await using var connection = Connect(await app.SignInCookiesAsync(creator));
        await connection.StartAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Crowdstart.Pipeline.Storage.Entities.CrowdstartUser>>();
            var user = await users.FindByIdAsync(creator.Id.ToString());
            await users.SetLockoutEndDateAsync(user!, DateTimeOffset.UtcNow.AddHours(1));
        }

        using var cts = new CancellationTokenSource(Wait);

        // Act (a stream that kept going would end in a cancellation, not a refusal)
        var error = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in connection.StreamAsync<CampaignSnapshotMessage>(nameof(CampaignHub.StreamSnapshots), campaign, cts.Token))
            {
            }
        });

        // Assert
        Assert.Contains("sign in again", error.Message);
    }
}
