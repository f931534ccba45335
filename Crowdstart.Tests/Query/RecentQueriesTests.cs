using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Query;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Query;

/// <summary>The explorer's recent queries on real PostgreSQL.</summary>
[Layer(TestLayer.Database)]
public class RecentQueriesTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly ExploreQuery Plain = new() { Campaigns = [Guid.NewGuid()] };

    [Fact]
    public async Task RememberAsync_ManyQueries_KeepsTheNewestOncePerForm()
    {
        var svc = new AccountServices(db);
        var recent = new RecentQueries(db.Contexts, svc.Time);
        var user = AccountServices.Creator(await db.CreateUserAsync($"rq-{Guid.NewGuid():N}@test.example", db.OrganisationId));

        for (var i = 0; i < RecentQueries.Keep + 5; i++)
        {
            await recent.RememberAsync(user, Plain, $"form-{i}", $"query {i}");
            svc.Time.Advance(TimeSpan.FromSeconds(1));
        }
        await recent.RememberAsync(user, Plain, "form-10", "query 10 again");
        var list = await recent.ListAsync(user);

        Assert.Equal(RecentQueries.Keep, list.Count);
        Assert.Equal("query 10 again", list[0].Summary);
        Assert.Single(list, q => q.Form == "form-10");
        Assert.DoesNotContain(list, q => q.Form == "form-0");
        Assert.Equal((long)RecentQueries.Keep, await db.ScalarAsync<long>($"SELECT count(*) FROM recent_queries WHERE user_id = '{user.UserId}'"));
    }

    [Fact]
    public async Task RememberAsync_QueryReadingCustomers_NeverStored()
    {
        var svc = new AccountServices(db);
        var recent = new RecentQueries(db.Contexts, svc.Time);
        var user = AccountServices.Creator(await db.CreateUserAsync($"rq-c-{Guid.NewGuid():N}@test.example", db.OrganisationId));

        await recent.RememberAsync(user, Plain with { Filters = [new("customer", "eq", ["cust-42"])] }, "form-customer", "customer eq cust-42");
        await recent.RememberAsync(user, Plain with { GroupBy = ["customer"] }, "form-by-customer", "count by customer");

        Assert.Empty(await recent.ListAsync(user));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM recent_queries WHERE summary LIKE '%cust-42%' OR summary LIKE '%by customer%'"));
    }
}
