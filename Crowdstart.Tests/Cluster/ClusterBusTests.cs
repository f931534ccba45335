using System.Collections.Concurrent;
using Crowdstart.Pipeline.Cluster;
using Crowdstart.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Crowdstart.Tests.Cluster;

/// <summary>
/// Two app instances over one database, each with its own listener: what one publishes reaches the other's
/// subscribers, only when committed, never twice in the publishing process, and again after a lost connection.
/// </summary>
[Layer(TestLayer.Database)]
public class ClusterBusTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private async Task<Guid> CampaignAsync() =>
        (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "cl-" + Guid.NewGuid().ToString("N")[..8], "Cluster", "EUR", 1m, DateTimeOffset.UtcNow)).Id;

    [Fact]
    public async Task CampaignChangeFeed_PublishedOnA_ReachesSubscriberOnB()
    {
        // Arrange
        await using var a = await ClusterInstance.StartAsync(db);
        await using var b = await ClusterInstance.StartAsync(db);
        var campaign = Guid.NewGuid();
        var heardOnB = 0;
        var otherOnB = 0;
        using var subscription = b.Campaigns.Subscribe(campaign, () => { Interlocked.Increment(ref heardOnB); return Task.CompletedTask; });
        using var other = b.Campaigns.Subscribe(Guid.NewGuid(), () => { Interlocked.Increment(ref otherOnB); return Task.CompletedTask; });

        // Act
        a.Campaigns.Publish([campaign]);

        // Assert
        await Eventually.TrueAsync(() => Volatile.Read(ref heardOnB) == 1, "B's subscriber hears A's batch");
        Assert.Equal(0, Volatile.Read(ref otherOnB));
    }

    [Fact]
    public async Task Publish_OnA_DeliveredOnceOnAAndNotEchoedBack()
    {
        // Arrange: B answers every message it hears, so A hears B's answer only after its own message went round
        await using var a = await ClusterInstance.StartAsync(db);
        await using var b = await ClusterInstance.StartAsync(db);
        var heardOnA = new ConcurrentQueue<string>();
        using var onA = a.Bus.Subscribe("echo", heardOnA.Enqueue, () => { });
        using var onB = b.Bus.Subscribe("echo", body => b.Bus.Post("echo", "answer to " + body), () => { });

        // Act
        a.Bus.Post("echo", "first");

        // Assert: NOTIFYs reach a listener in commit order, so A's own "first" had come back (and been dropped) before
        // B's answer, which was sent after it
        await Eventually.TrueAsync(() => !heardOnA.IsEmpty, "A hears B's answer");
        Assert.Equal(["answer to first"], heardOnA);
    }

    [Fact]
    public async Task AccessRevoke_GrantRevokedOnA_ReachesAccessSubscriberOnB()
    {
        // Arrange
        await using var a = await ClusterInstance.StartAsync(db);
        await using var b = await ClusterInstance.StartAsync(db);
        var campaign = await CampaignAsync();
        var creator = AccountServices.Creator(await db.CreateUserAsync($"c-{Guid.NewGuid():N}@test.example", db.OrganisationId));
        var admin = AccountServices.Admin(await db.CreateUserAsync($"a-{Guid.NewGuid():N}@test.example"));
        var grant = await a.Accounts.Grants.GrantAsync(admin, creator.UserId, campaign, "looking into a refund complaint");
        var heardOnB = new ConcurrentQueue<(Guid Campaign, Guid User)>();
        using var subscription = b.Accounts.Changes.Subscribe((c, u) =>
        {
            heardOnB.Enqueue((c, u));
            return Task.CompletedTask;
        });

        // Act
        await a.Accounts.Grants.RevokeAsync(admin, grant.Id);

        // Assert: B's drill-down would re-check now, and finds the grant gone
        await Eventually.TrueAsync(() => heardOnB.Contains((campaign, creator.UserId)), "B hears the revocation");
        Assert.Null(await b.Accounts.Access.LiveGrantAsync(creator, campaign));
    }

    [Fact]
    public async Task AuthenticateAsync_KeyRevokedOnA_RefusedByBWithinOneSecond()
    {
        // Arrange: B has the key cached, and B's cache clock is frozen, so only the bus can make B forget it
        await using var a = await ClusterInstance.StartAsync(db);
        await using var b = await ClusterInstance.StartAsync(db);
        var campaign = await CampaignAsync();
        var admin = AccountServices.Admin(await db.CreateUserAsync($"a-{Guid.NewGuid():N}@test.example"));
        var (key, plaintext) = await a.IngestKeys.CreateAsync(admin, campaign, "site");
        Assert.Equal(campaign, (await b.Authenticator.AuthenticateAsync("Bearer " + plaintext, default))?.CampaignId);

        // Act
        await a.IngestKeys.RevokeAsync(admin, campaign, key.Id);

        // Assert
        var took = await Eventually.TrueAsync(async () => await b.Authenticator.AuthenticateAsync("Bearer " + plaintext, default) is null,
            "B refuses the revoked key", TimeSpan.FromSeconds(1));
        output.WriteLine($"B refused the key {took.TotalMilliseconds:0} ms after A's revocation committed");
    }

    [Fact]
    public async Task SendAsync_TransactionRolledBack_NotDelivered()
    {
        // Arrange
        await using var a = await ClusterInstance.StartAsync(db);
        await using var b = await ClusterInstance.StartAsync(db);
        var heardOnB = new ConcurrentQueue<string>();
        using var subscription = b.Bus.Subscribe("tx", heardOnB.Enqueue, () => { });

        // Act
        await using (var context = await db.Contexts.CreateDbContextAsync())
        {
            await using var tx = await context.Database.BeginTransactionAsync();
            await a.Bus.SendAsync(context.Database, "tx", "rolled back");
            await tx.RollbackAsync();
        }
        await using (var context = await db.Contexts.CreateDbContextAsync())
        {
            await using var tx = await context.Database.BeginTransactionAsync();
            await a.Bus.SendAsync(context.Database, "tx", "committed");
            await tx.CommitAsync();
        }

        // Assert: the committed one, sent after, arrives alone
        await Eventually.TrueAsync(() => !heardOnB.IsEmpty, "B hears the committed message");
        Assert.Equal(["committed"], heardOnB);
    }

    [Fact]
    public async Task SendAsync_NoTransaction_Refused()
    {
        // Arrange
        await using var a = await ClusterInstance.StartAsync(db);
        await using var context = await db.Contexts.CreateDbContextAsync();

        // Act + Assert: without a transaction the NOTIFY would go out before the change commits
        await Assert.ThrowsAsync<InvalidOperationException>(() => a.Bus.SendAsync(context.Database, "tx", "too early"));
    }

    [Fact]
    public async Task Listener_ConnectionKilledOnB_ResyncsSubscribersAndDeliversAgain()
    {
        // Arrange
        await using var a = await ClusterInstance.StartAsync(db);
        await using var b = await ClusterInstance.StartAsync(db);
        var campaign = Guid.NewGuid();
        var wokenOnB = 0;
        using var live = b.Campaigns.Subscribe(campaign, () => { Interlocked.Increment(ref wokenOnB); return Task.CompletedTask; });
        var heardOnB = new ConcurrentQueue<string>();
        using var subscription = b.Bus.Subscribe("after", heardOnB.Enqueue, () => { });
        var killed = b.Bus.ListenerProcessId;
        Assert.NotEqual(0, killed);

        // Act
        await using (var cmd = db.DataSource.CreateCommand($"SELECT pg_terminate_backend({killed})"))
        {
            Assert.Equal(true, await cmd.ExecuteScalarAsync());
        }

        // Assert: a new listener, the live page told that anything may have changed (NOTIFYs meanwhile are lost),
        // and messages arrive again
        await Eventually.TrueAsync(() => b.Bus.IsListening && b.Bus.ListenerProcessId != killed, "B listens again");
        await Eventually.TrueAsync(() => Volatile.Read(ref wokenOnB) >= 1, "B's live page is woken after the reconnect");
        a.Bus.Post("after", "back");
        await Eventually.TrueAsync(() => heardOnB.Contains("back"), "B hears A again");
    }

    [Fact]
    public async Task CampaignChangeFeed_MoreCampaignsThanOneNotifyHolds_WakesEverySubscriberOnB()
    {
        // Arrange: 300 ids do not fit in PostgreSQL's 8000-byte payload
        await using var a = await ClusterInstance.StartAsync(db);
        await using var b = await ClusterInstance.StartAsync(db);
        var woken = 0;
        using var unrelated = b.Campaigns.Subscribe(Guid.NewGuid(), () => { Interlocked.Increment(ref woken); return Task.CompletedTask; });

        // Act
        a.Campaigns.Publish([.. Enumerable.Range(0, 300).Select(_ => Guid.NewGuid())]);

        // Assert: sent as "anything may have changed" rather than cut or refused
        await Eventually.TrueAsync(() => Volatile.Read(ref woken) == 1, "B's subscriber is woken");
    }
}
