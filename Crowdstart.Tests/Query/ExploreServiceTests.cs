using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Pipeline.Query;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Query;

/// <summary>Ad-hoc queries on real PostgreSQL against hand-computed answers; access, grants and audit.</summary>
[Layer(TestLayer.Database)]
public sealed class ExploreServiceTests(TestDatabase db) : ExploreServiceTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class ExploreServiceTestsOnJetStream(JetStreamTestDatabase db) : ExploreServiceTests<JetStreamTestDatabase>(db);

/// <summary>The tests of <see cref="ExploreServiceTests"/> on each log engine (the engine is the fixture's).</summary>
public abstract class ExploreServiceTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private static EventRecord Pledge(Guid campaign, string customer, DateTimeOffset at, decimal amount, string source, string reward) =>
        EventFactory.Event(campaign, customer, EventTypes.PledgeCompleted, at, amount, source) with { PropertiesJson = $"{{\"reward\":\"{reward}\"}}" };

    private ExploreService NewExploreService(AccountServices svc, ExploreOptions options) =>
        new(db.Contexts, svc.Access, svc.Audit, new QueryCompiler(new PrivacyOptions()), Options.Create(options),
            new QueryAdmission(Options.Create(options)), new ExploreDatabase(db.ConnectionString, options));

    private async Task<(AccountServices Svc, ExploreService Explore, Actor Creator, Guid Campaign, DateTimeOffset Launch)> ArrangeAsync()
    {
        var svc = new AccountServices(db);
        var explore = NewExploreService(svc, new ExploreOptions { StatementTimeoutSeconds = 10 });
        var creator = AccountServices.Creator(await db.CreateUserAsync($"q-{Guid.NewGuid():N}@test.example", db.OrganisationId));
        var launch = DateTimeOffset.UtcNow.AddHours(-3);
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "q-" + Guid.NewGuid().ToString("N")[..8], "Query lamp", "EUR", 1000m, launch)).Id;
        // In the first hour: Reddit 3 early-bird pledges (10, 20, 60) and 1 standard (100); Twitter 1 early-bird (30), 2 standard (40, 50).
        // After the first hour: Reddit 1 early-bird (500). Plus visits that are not pledges.
        await db.Log.AppendAsync(
        [
            Pledge(campaign, "r1", launch.AddMinutes(5), 10m, "social:reddit", "early_bird"),
            Pledge(campaign, "r2", launch.AddMinutes(15), 20m, "social:reddit", "early_bird"),
            Pledge(campaign, "r3", launch.AddMinutes(59), 60m, "social:reddit", "early_bird"),
            Pledge(campaign, "r4", launch.AddMinutes(30), 100m, "social:reddit", "standard"),
            Pledge(campaign, "t1", launch.AddMinutes(10), 30m, "social:twitter", "early_bird"),
            Pledge(campaign, "t2", launch.AddMinutes(20), 40m, "social:twitter", "standard"),
            Pledge(campaign, "t3", launch.AddMinutes(40), 50m, "social:twitter", "standard"),
            Pledge(campaign, "r5", launch.AddMinutes(61), 500m, "social:reddit", "early_bird"),
            EventFactory.Event(campaign, "r1", EventTypes.PageView, launch.AddMinutes(4), source: "social:reddit"),
            EventFactory.Event(campaign, "d1", EventTypes.PageView, launch.AddMinutes(6), source: "direct"),
        ]);
        // Explore reads event_log, whose rows a JetStream log only gets when the processor commits them.
        await db.Log.ProcessAllAsync();
        return (svc, explore, creator, campaign, launch);
    }

    [Fact]
    public async Task RunAsync_EarlyBirdBySourceInTheFirstHour_MatchesHandComputedAnswer()
    {
        var (_, explore, creator, campaign, _) = await ArrangeAsync();

        var result = await explore.RunAsync(creator, new ExploreQuery
        {
            Campaigns = [campaign],
            Time = new QueryTime(FromHoursSinceLaunch: 0, ToHoursSinceLaunch: 1),
            Types = [EventTypes.PledgeCompleted],
            Filters = [new("network", "in", ["reddit", "twitter"])],
            GroupBy = ["network", "property:reward"],
            Measures = ["count", "unique_customers", "sum_amount", "avg_amount", "min_amount", "max_amount", "p50_amount"],
            Sort = new QuerySort("network"),
        });

        var rows = result.Rows.Select(r => string.Join("|", r.Select(v => v switch { double d => d.ToString("0.##"), decimal m => m.ToString("0.##"), _ => v?.ToString() }))).ToList();
        // Sorted by network, ties by the other dimension.
        Assert.Equal(
        [
            "reddit|early_bird|3|3|90|30|10|60|20",
            "reddit|standard|1|1|100|100|100|100|100",
            "twitter|early_bird|1|1|30|30|30|30|30",
            "twitter|standard|2|2|90|45|40|50|45",
        ], rows);
        Assert.False(result.Truncated);
    }

    [Fact]
    public async Task RunAsync_MoreGroupsThanTheLimit_CutAndFlagged()
    {
        var (_, explore, creator, campaign, _) = await ArrangeAsync();

        var result = await explore.RunAsync(creator, new ExploreQuery { Campaigns = [campaign], GroupBy = ["minute"], Limit = 3 });

        Assert.Equal(3, result.Rows.Count);
        Assert.True(result.Truncated);
    }

    [Fact]
    public async Task RunAsync_CampaignOfAnotherOrganisation_IsRefusedLikeAnUnknownOne()
    {
        var (_, explore, creator, _, _) = await ArrangeAsync();
        var foreign = (await db.Campaigns.CreateCampaignAsync(await db.CreateOrganisationAsync("Other"), "qf-" + Guid.NewGuid().ToString("N")[..8], "Not yours", "EUR", 1m, DateTimeOffset.UtcNow)).Id;

        var a = await Assert.ThrowsAsync<AccessDeniedException>(() => explore.RunAsync(creator, new ExploreQuery { Campaigns = [foreign] }));
        var b = await Assert.ThrowsAsync<AccessDeniedException>(() => explore.RunAsync(creator, new ExploreQuery { Campaigns = [Guid.NewGuid()] }));

        Assert.Equal(a.Message.Replace(foreign.ToString(), "X"), b.Message.Replace(b.Message.Split(' ')[1], "X"));
    }

    [Fact]
    public async Task RunAsync_ByCustomer_NeedsALiveGrantAndIsAudited()
    {
        var (svc, explore, creator, campaign, _) = await ArrangeAsync();
        var query = new ExploreQuery { Campaigns = [campaign], GroupBy = ["customer"], Measures = ["sum_amount"], Types = [EventTypes.PledgeCompleted] };
        await Assert.ThrowsAsync<AccessDeniedException>(() => explore.RunAsync(creator, query));
        var admin = AccountServices.Admin(await db.CreateUserAsync($"qa-{Guid.NewGuid():N}@test.example"));
        var grant = await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "checking one backer's pledges for support");

        var result = await explore.RunAsync(creator, query);

        Assert.Equal(8, result.Rows.Count);
        Assert.Equal("r5", result.Rows[0][0]);
        Assert.Equal(1, await db.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE action = '{AuditActions.CustomerQueryRead}' AND campaign_id = '{campaign}' AND grant_id = '{grant.Id}'"));
    }

    /// <summary>A live grant for the creator, and the query's one audit entry after running it.</summary>
    private async Task<AuditEntryInfo> RunAuditedAsync(AccountServices svc, ExploreService explore, Actor creator, Guid campaign,
        ExploreQuery query)
    {
        var admin = AccountServices.Admin(await db.CreateUserAsync($"qa-{Guid.NewGuid():N}@test.example"));
        await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "checking backers' pledges for support");
        await explore.RunAsync(creator, query);
        var (entries, _) = await svc.Audit.QueryAsync(new AuditQuery(Action: AuditActions.CustomerQueryRead, CampaignId: campaign));
        return Assert.Single(entries);
    }

    [Fact]
    public async Task RunAsync_FilterOnOneCustomer_AuditNamesThatCustomer()
    {
        var (svc, explore, creator, campaign, _) = await ArrangeAsync();

        var entry = await RunAuditedAsync(svc, explore, creator, campaign,
            new ExploreQuery { Campaigns = [campaign], Filters = [new("customer", "eq", ["r2"])], Measures = ["sum_amount"] });

        Assert.Equal("r2", entry.CustomerId);
        Assert.Contains("1 customer: \"r2\"", entry.Details);
    }

    [Fact]
    public async Task RunAsync_FilterOnCustomerPattern_AuditNamesEveryMatchedCustomerAndIsFoundByEach()
    {
        var (svc, explore, creator, campaign, _) = await ArrangeAsync();

        var entry = await RunAuditedAsync(svc, explore, creator, campaign,
            new ExploreQuery { Campaigns = [campaign], Filters = [new("customer", "contains", ["t"])], Measures = ["count"] });
        var (found, _) = await svc.Audit.QueryAsync(new AuditQuery(CampaignId: campaign, CustomerId: "t2"));
        var (notFound, _) = await svc.Audit.QueryAsync(new AuditQuery(CampaignId: campaign, CustomerId: "r2"));

        Assert.Null(entry.CustomerId);
        Assert.Contains("3 customers: \"t1\", \"t2\", \"t3\"", entry.Details);
        Assert.Equal(entry.Id, Assert.Single(found).Id);
        Assert.DoesNotContain(notFound, e => e.Action == AuditActions.CustomerQueryRead);
    }

    [Fact]
    public async Task RunAsync_GroupedByCustomerOverManyCustomers_AuditNamesTheFirstOnesAndCountsAll()
    {
        var (svc, explore, creator, campaign, launch) = await ArrangeAsync();
        await db.Log.AppendAsync(
            [.. Enumerable.Range(0, 30).Select(i => EventFactory.Event(campaign, $"many-{i:00}", EventTypes.PageView, launch.AddMinutes(90 + i)))]);
        await db.Log.ProcessAllAsync();

        var entry = await RunAuditedAsync(svc, explore, creator, campaign,
            new ExploreQuery { Campaigns = [campaign], GroupBy = ["customer"], Measures = ["count"], Sort = new QuerySort("customer"), Limit = 1000 });

        // 30 new customers and the arrangement's 9.
        Assert.Contains("39 customers: \"d1\", \"many-00\"", entry.Details);
        Assert.Contains("(first 20)", entry.Details);
        Assert.Equal(20, System.Text.RegularExpressions.Regex.Matches(entry.Details!, "\"[^\"]+\"").Count);
    }
}
