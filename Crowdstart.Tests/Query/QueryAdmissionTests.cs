using System.Net;
using System.Net.Http.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Query;
using Crowdstart.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Query;

/// <summary>The explorer's limits: per user, per organisation, per minute, and its own bounded connection pool.</summary>
[Layer(TestLayer.Unit)]
public class QueryAdmissionTests
{
    private static readonly Guid OrgA = Guid.NewGuid(), OrgB = Guid.NewGuid();

    private static Actor NewActor() => new(Guid.NewGuid(), "someone@test.example", false);

    private static QueryAdmission Admission(int perUser = 2, int perOrganisation = 3, int userPerMinute = 30, int organisationPerMinute = 90) =>
        new(Options.Create(new ExploreOptions
        {
            MaxConcurrentPerUser = perUser, MaxConcurrentPerOrganisation = perOrganisation,
            QueriesPerMinutePerUser = userPerMinute, QueriesPerMinutePerOrganisation = organisationPerMinute,
        }));

    [Fact]
    public void Admit_UserAtConcurrencyLimit_RefusedUntilOneFinishes()
    {
        // Arrange
        using var admission = Admission(perUser: 2);
        var actor = NewActor();
        var first = admission.Admit(actor, [OrgA]);
        using var second = admission.Admit(actor, [OrgA]);

        // Act
        var refused = Assert.Throws<QueryThrottledException>(() => admission.Admit(actor, [OrgA]));
        first.Dispose();
        using var afterOneFinished = admission.Admit(actor, [OrgA]);

        // Assert
        Assert.Contains("2 queries running", refused.Message);
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public void Admit_OrganisationAtConcurrencyLimit_RefusesItsOtherUsersButNotOtherOrganisations()
    {
        // Arrange: three users of one organisation hold its three slots
        using var admission = Admission(perUser: 2, perOrganisation: 3);
        var held = Enumerable.Range(0, 3).Select(_ => admission.Admit(NewActor(), [OrgA])).ToList();

        // Act
        var refused = Assert.Throws<QueryThrottledException>(() => admission.Admit(NewActor(), [OrgA]));
        var spanning = Assert.Throws<QueryThrottledException>(() => admission.Admit(NewActor(), [OrgB, OrgA]));
        using var otherTenant = admission.Admit(NewActor(), [OrgB]);
        using var otherTenantAgain = admission.Admit(NewActor(), [OrgB]);

        // Assert: refusals gave back what they had taken (OrgB still had room for two more)
        Assert.Contains("organisation", refused.Message);
        Assert.Contains("organisation", spanning.Message);
        held.ForEach(h => h.Dispose());
    }

    [Fact]
    public void Admit_PastThePerMinuteBudget_RefusedWithTheTimeTheBudgetFreesUp()
    {
        // Arrange
        using var admission = Admission(userPerMinute: 5, organisationPerMinute: 8);
        var actor = NewActor();
        for (var i = 0; i < 5; i++)
        {
            admission.Admit(actor, [OrgA]).Dispose();
        }

        // Act
        var user = Assert.Throws<QueryThrottledException>(() => admission.Admit(actor, [OrgA]));
        for (var i = 0; i < 3; i++)
        {
            admission.Admit(NewActor(), [OrgA]).Dispose();
        }
        var organisation = Assert.Throws<QueryThrottledException>(() => admission.Admit(NewActor(), [OrgA]));

        // Assert
        Assert.Contains("5 queries in the last minute", user.Message);
        Assert.InRange(user.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Contains("organisation ran 8 queries", organisation.Message);
        Assert.InRange(organisation.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Admit_RefusedForRunningQueries_DoesNotSpendTheMinuteBudget()
    {
        // Arrange: one slot, a budget of two
        using var admission = Admission(perUser: 1, perOrganisation: 1, userPerMinute: 2, organisationPerMinute: 2);
        var actor = NewActor();
        var running = admission.Admit(actor, [OrgA]);

        // Act: many refused attempts while one query runs
        for (var i = 0; i < 10; i++)
        {
            Assert.Throws<QueryThrottledException>(() => admission.Admit(actor, [OrgA]));
        }
        running.Dispose();

        // Assert: the second query of the minute is still admitted
        using var second = admission.Admit(actor, [OrgA]);
    }
}

/// <summary>The explorer's own pool on real PostgreSQL.</summary>
[Layer(TestLayer.Database)]
public class ExploreDatabaseTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task OpenAsync_AllConnectionsTaken_RefusedAsBusyAfterTheQueueTime()
    {
        // Arrange: a pool of one connection, no waiting
        using var database = new ExploreDatabase(db.ConnectionString, new ExploreOptions { MaxConnections = 1, MaxQueueSeconds = 0 });
        var held = await database.OpenAsync(CancellationToken.None);
        var application = await held.Db.Database.SqlQueryRaw<string>("SELECT current_setting('application_name') AS \"Value\"").SingleAsync();

        // Act
        var refused = await Assert.ThrowsAsync<QueryThrottledException>(() => database.OpenAsync(CancellationToken.None));
        await held.DisposeAsync();
        await using var next = await database.OpenAsync(CancellationToken.None);

        // Assert: a separate, named pool, so its sessions are visible (and limitable) in pg_stat_activity
        Assert.Equal("crowdstart-explore", application);
        Assert.Contains("busy", refused.Message);
    }
}

/// <summary>The explorer's limits as API clients meet them: 429 with Retry-After, other tenants unaffected.</summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class QueryApiThrottleTests(AppFixture app)
{
    [Fact]
    public async Task Query_PastTheUsersPerMinuteBudget_429WithRetryAfterWhileAnotherTenantIsServed()
    {
        // Arrange: two tenants; the first user spends their budget (appsettings: 30 queries a minute)
        var orgA = await app.CreateOrganisationAsync("Throttle org A");
        var orgB = await app.CreateOrganisationAsync("Throttle org B");
        var (campaignA, _) = await app.CreateCampaignAsync(organisationId: orgA);
        var (campaignB, _) = await app.CreateCampaignAsync(organisationId: orgB);
        using var heavy = await app.SignInAsync(await app.CreateUserAsync(Roles.Creator, orgA));
        using var neighbour = await app.SignInAsync(await app.CreateUserAsync(Roles.Creator, orgB));
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;

        // Act
        for (var i = 0; i < 40 && refused is null; i++)
        {
            var response = await heavy.PostAsJsonAsync("api/v1/query", new { campaigns = new[] { campaignA }, measures = new[] { "count" } });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
        }
        using var served = await neighbour.PostAsJsonAsync("api/v1/query", new { campaigns = new[] { campaignB }, measures = new[] { "count" } });

        // Assert
        Assert.NotNull(refused);
        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.True(refused.Headers.RetryAfter?.Delta is { } wait && wait >= TimeSpan.FromSeconds(1), "Retry-After is set");
        var problem = await refused.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>();
        Assert.Contains("30 queries in the last minute", problem!.Detail);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        refused.Dispose();
    }
}
