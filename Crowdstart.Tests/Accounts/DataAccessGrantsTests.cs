using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Tests.Infrastructure;
using Npgsql;

namespace Crowdstart.Tests.Accounts;

/// <summary>Grants, requests, drill-down reads and the audit log on real PostgreSQL, on a clock the test moves.</summary>
[Layer(TestLayer.Database)]
public sealed class DataAccessGrantsTests(TestDatabase db) : DataAccessGrantsTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class DataAccessGrantsTestsOnJetStream(JetStreamTestDatabase db) : DataAccessGrantsTests<JetStreamTestDatabase>(db);

/// <summary>The tests of <see cref="DataAccessGrantsTests"/> on each log engine (the engine is the fixture's).</summary>
public abstract class DataAccessGrantsTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private async Task<(AccountServices Svc, Actor Creator, Actor Admin, Guid Campaign)> ArrangeAsync()
    {
        var svc = new AccountServices(db, privacy: new PrivacyOptions { DefaultGrantHours = 24, MaxGrantHours = 72 });
        var creator = AccountServices.Creator(await db.CreateUserAsync($"c-{Guid.NewGuid():N}@test.example", db.OrganisationId));
        var admin = AccountServices.Admin(await db.CreateUserAsync($"a-{Guid.NewGuid():N}@test.example"));
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "g-" + Guid.NewGuid().ToString("N")[..8], "Grants", "EUR", 1m, DateTimeOffset.UtcNow)).Id;
        return (svc, creator, admin, campaign);
    }

    private async Task<long> AuditCountAsync(Guid campaign, string action) =>
        await db.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE campaign_id = '{campaign}' AND action = '{action}'");

    [Fact]
    public async Task Grant_DefaultDuration_IsLiveUntilExpiryThenNot()
    {
        var (svc, creator, admin, campaign) = await ArrangeAsync();

        var grant = await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "investigating a failed pledge");

        Assert.Equal(TimeSpan.FromHours(24), grant.ExpiresAt - grant.GrantedAt);
        Assert.NotNull(await svc.Access.LiveGrantAsync(creator, campaign));
        svc.Time.Advance(TimeSpan.FromHours(24));
        Assert.Null(await svc.Access.LiveGrantAsync(creator, campaign));
        Assert.Equal(1, await AuditCountAsync(campaign, AuditActions.AccessGranted));
    }

    [Fact]
    public async Task Grant_LongerThanMaximumOrToSelfOrByCreator_IsRefused()
    {
        var (svc, creator, admin, campaign) = await ArrangeAsync();

        await Assert.ThrowsAsync<DomainValidationException>(() => svc.Grants.GrantAsync(admin, creator.UserId, campaign, "a reason long enough", TimeSpan.FromHours(73)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => svc.Grants.GrantAsync(admin, admin.UserId, campaign, "a reason long enough"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => svc.Grants.GrantAsync(creator, creator.UserId, campaign, "a reason long enough"));
        await Assert.ThrowsAsync<DomainValidationException>(() => svc.Grants.GrantAsync(admin, creator.UserId, campaign, "short"));
        Assert.Null(await svc.Access.LiveGrantAsync(creator, campaign));
    }

    [Fact]
    public async Task Request_ApprovedByAdmin_BecomesGrantWithTheRequestsReason()
    {
        var (svc, creator, admin, campaign) = await ArrangeAsync();

        var request = await svc.Grants.RequestAsync(creator, campaign, "backer 77 says the refund never arrived");
        await Assert.ThrowsAsync<ConflictException>(() => svc.Grants.RequestAsync(creator, campaign, "asking twice is refused"));
        Assert.Contains((await svc.Grants.PendingRequestsAsync(admin)), r => r.Request.Id == request.Id);
        var grant = await svc.Grants.ApproveAsync(admin, request.Id, TimeSpan.FromHours(2));

        Assert.Equal("backer 77 says the refund never arrived", grant.Reason);
        Assert.Equal(request.Id, grant.RequestId);
        Assert.DoesNotContain((await svc.Grants.PendingRequestsAsync(admin)), r => r.Request.Id == request.Id);
        await Assert.ThrowsAsync<ConflictException>(() => svc.Grants.DenyAsync(admin, request.Id, "too late"));
        Assert.NotNull(await svc.Access.LiveGrantAsync(creator, campaign));
    }

    [Fact]
    public async Task Request_Denied_GivesNoAccessAndIsAudited()
    {
        var (svc, creator, admin, campaign) = await ArrangeAsync();
        var request = await svc.Grants.RequestAsync(creator, campaign, "curious about our top backers");

        await svc.Grants.DenyAsync(admin, request.Id, "aggregates answer this");

        Assert.Null(await svc.Access.LiveGrantAsync(creator, campaign));
        Assert.Equal(1, await AuditCountAsync(campaign, AuditActions.AccessRequested));
        Assert.Equal(1, await AuditCountAsync(campaign, AuditActions.AccessDenied));
    }

    [Fact]
    public async Task Request_ForCampaignOfAnotherOrganisation_IsRefused()
    {
        var (svc, _, _, _) = await ArrangeAsync();
        var outsider = AccountServices.Creator(await db.CreateUserAsync($"o-{Guid.NewGuid():N}@test.example", await db.CreateOrganisationAsync("Other")));
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "x-" + Guid.NewGuid().ToString("N")[..8], "Not theirs", "EUR", 1m, DateTimeOffset.UtcNow)).Id;

        await Assert.ThrowsAsync<AccessDeniedException>(() => svc.Grants.RequestAsync(outsider, campaign, "let me see your customers"));
    }

    [Fact]
    public async Task Timeline_WithoutLiveGrant_IsRefusedAndNothingIsRead()
    {
        var (svc, creator, admin, campaign) = await ArrangeAsync();

        await Assert.ThrowsAsync<AccessDeniedException>(() => svc.CustomerData.TimelineAsync(creator, campaign, "cust-1"));
        var grant = await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "a reason long enough", TimeSpan.FromHours(1));
        await svc.Grants.RevokeAsync(admin, grant.Id);
        await Assert.ThrowsAsync<AccessDeniedException>(() => svc.CustomerData.TimelineAsync(creator, campaign, "cust-1"));
        // Admins are no exception: customer-level data needs a grant from another admin.
        await Assert.ThrowsAsync<AccessDeniedException>(() => svc.CustomerData.CustomersAsync(admin, campaign));

        Assert.Equal(0, await AuditCountAsync(campaign, AuditActions.CustomerTimelineRead));
        Assert.Equal(1, await AuditCountAsync(campaign, AuditActions.AccessRevoked));
    }

    [Fact]
    public async Task Timeline_WithLiveGrant_ReturnsEventsInOrderAndAuditsTheRead()
    {
        var (svc, creator, admin, campaign) = await ArrangeAsync();
        var t = DateTimeOffset.UtcNow.AddMinutes(-30);
        await db.Log.AppendAsync([
            EventFactory.Event(campaign, "cust-9", EventTypes.PledgeCompleted, t.AddMinutes(5), 49m),
            EventFactory.Event(campaign, "cust-9", EventTypes.PageView, t),
            EventFactory.Event(campaign, "someone-else", EventTypes.PageView, t),
        ]);
        // The timeline reads event_log, whose rows a JetStream log only gets when the processor commits them.
        await db.Log.ProcessAllAsync();
        var grant = await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "checking a disputed pledge");

        var timeline = await svc.CustomerData.TimelineAsync(creator, campaign, "cust-9");
        var customers = await svc.CustomerData.CustomersAsync(creator, campaign);

        Assert.Equal([EventTypes.PageView, EventTypes.PledgeCompleted], timeline.Select(e => e.Type));
        Assert.Equal(49m, timeline[1].Amount);
        Assert.Equal(["cust-9", "someone-else"], customers.Select(c => c.CustomerId).Order());
        var (entries, _) = await svc.Audit.QueryAsync(new AuditQuery(CampaignId: campaign, CustomerId: "cust-9"));
        var read = Assert.Single(entries);
        Assert.Equal(AuditActions.CustomerTimelineRead, read.Action);
        Assert.Equal(grant.Id, read.GrantId);
        Assert.Equal(creator.UserId, read.ActorUserId);
        Assert.Equal(1, await AuditCountAsync(campaign, AuditActions.CustomerListRead));
    }

    [Fact]
    public async Task Grant_HolderLeavesOrganisation_GrantStopsWorking()
    {
        var (svc, creator, admin, campaign) = await ArrangeAsync();
        await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "a reason long enough");

        await using (var cmd = db.DataSource.CreateCommand($"DELETE FROM organisation_members WHERE user_id = '{creator.UserId}'"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        Assert.Null(await svc.Access.LiveGrantAsync(creator, campaign));
    }

    [Theory]
    [InlineData("UPDATE audit_log SET details = 'rewritten'")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("TRUNCATE audit_log")]
    public async Task AuditLog_ChangeOrDelete_IsRefusedByTheDatabase(string sql)
    {
        var (svc, creator, admin, campaign) = await ArrangeAsync();
        await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "something to audit");
        var before = await db.ScalarAsync<long>("SELECT count(*) FROM audit_log");

        await using var cmd = db.DataSource.CreateCommand(sql);
        var error = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());

        Assert.Contains("append-only", error.MessageText);
        Assert.Equal(before, await db.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
    }

    [Fact]
    public async Task AuditQuery_Filters_ByActionActorCampaignAndTime()
    {
        var (svc, creator, admin, campaign) = await ArrangeAsync();
        await svc.Grants.RequestAsync(creator, campaign, "first request, long enough");
        svc.Time.Advance(TimeSpan.FromHours(3));
        await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "granted later on");

        var (byAction, _) = await svc.Audit.QueryAsync(new AuditQuery(Action: AuditActions.AccessGranted, CampaignId: campaign));
        var (byActor, _) = await svc.Audit.QueryAsync(new AuditQuery(Actor: admin.Name[..12], CampaignId: campaign));
        var (recent, total) = await svc.Audit.QueryAsync(new AuditQuery(From: svc.Time.GetUtcNow().AddHours(-1), CampaignId: campaign));

        Assert.Equal(AuditActions.AccessGranted, Assert.Single(byAction).Action);
        Assert.NotEmpty(byActor);
        Assert.All(byActor, e => Assert.Equal(admin.UserId, e.ActorUserId));
        Assert.Equal(1, total);
        Assert.Equal(AuditActions.AccessGranted, Assert.Single(recent).Action);
    }

    [Fact]
    public async Task Grant_ToAnAccountTheAdminCreated_IsRefused()
    {
        var (svc, _, admin, campaign) = await ArrangeAsync();
        var puppet = await db.CreateUserAsync($"p-{Guid.NewGuid():N}@test.example", db.OrganisationId);
        await using (var cmd = db.DataSource.CreateCommand($"UPDATE users SET \"CreatedByUserId\" = '{admin.UserId}' WHERE \"Id\" = '{puppet}'"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() => svc.Grants.GrantAsync(admin, puppet, campaign, "looks legitimate enough"));

        Assert.Contains("account they created", error.Message);
        var otherAdmin = AccountServices.Admin(await db.CreateUserAsync($"a2-{Guid.NewGuid():N}@test.example"));
        Assert.NotNull(await svc.Grants.GrantAsync(otherAdmin, puppet, campaign, "a second admin decides"));
    }

    [Theory]
    [InlineData("backer jane.doe@example.com says it failed")]
    [InlineData("call the backer on +49 151 2345 6789 first")]
    public async Task Request_ReasonWithPersonalData_IsRefusedBeforeReachingTheAuditLog(string reason)
    {
        var (svc, creator, _, campaign) = await ArrangeAsync();

        var error = await Assert.ThrowsAsync<DomainValidationException>(() => svc.Grants.RequestAsync(creator, campaign, reason));

        Assert.Contains("personal data", error.Message);
        Assert.Equal(0, await AuditCountAsync(campaign, AuditActions.AccessRequested));
    }

    [Theory]
    [InlineData("jane.doe@example.com")]
    [InlineData("~erased")]
    [InlineData("has space")]
    public async Task Timeline_CustomerIdThatCannotExist_IsRefusedWithoutAnAuditEntry(string customerId)
    {
        var (svc, creator, admin, campaign) = await ArrangeAsync();
        await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "a reason long enough");

        await Assert.ThrowsAsync<DomainValidationException>(() => svc.CustomerData.TimelineAsync(creator, campaign, customerId));

        Assert.Equal(0, await AuditCountAsync(campaign, AuditActions.CustomerTimelineRead));
    }

    [Fact]
    public async Task FeedSession_LiveGrant_ShowsIdsAuditedOnceAndStopsWhenTheGrantEndsOrChanges()
    {
        // Arrange
        var (svc, creator, admin, campaign) = await ArrangeAsync();
        await db.Log.AppendAsync(
            [EventFactory.Event(campaign, "feed-cust-1", EventTypes.PageView, DateTimeOffset.UtcNow.AddSeconds(-5))]);
        await db.Log.ProcessAllAsync();
        await Assert.ThrowsAsync<AccessDeniedException>(() => svc.CustomerData.OpenFeedAsync(creator, campaign));
        var first = await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "watching the launch feed for a support case");

        // Act
        var session = await svc.CustomerData.OpenFeedAsync(creator, campaign);
        var again = await session.ReadAsync();

        // Assert: ids present, one audit entry naming the grant however many refreshes
        Assert.Equal("feed-cust-1", Assert.Single(session.First).CustomerId);
        Assert.Equal("feed-cust-1", Assert.Single(again).CustomerId);
        Assert.Equal(first.Id, session.GrantId);
        Assert.Equal(1, await AuditCountAsync(campaign, AuditActions.CustomerFeedWatched));
        Assert.Equal(1, await db.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE action = '{AuditActions.CustomerFeedWatched}' AND grant_id = '{first.Id}'"));

        // Act: the grant is replaced by another one
        var second = await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "a new grant for the same support case");
        await svc.Grants.RevokeAsync(admin, first.Id);

        // Assert: the watch opened under the first grant stops; a new one is audited with the second
        await Assert.ThrowsAsync<AccessDeniedException>(() => session.ReadAsync());
        var renewed = await svc.CustomerData.OpenFeedAsync(creator, campaign);
        Assert.Equal(second.Id, renewed.GrantId);
        Assert.Equal(2, await AuditCountAsync(campaign, AuditActions.CustomerFeedWatched));

        // Act + Assert: the grant expires
        svc.Time.Advance(TimeSpan.FromHours(25));
        await Assert.ThrowsAsync<AccessDeniedException>(() => renewed.ReadAsync());
    }
}
