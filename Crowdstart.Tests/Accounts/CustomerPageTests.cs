using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Accounts;

/// <summary>
/// The customer list's search, filters, sort and paging run in the database; every page, put together, must equal the same
/// question answered in memory over the events the test sent.
/// </summary>
[Layer(TestLayer.Database)]
public sealed class CustomerPageTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private sealed record Sent(string Customer, string Type, DateTimeOffset At, decimal? Amount);

    private async Task<(AccountServices Svc, Actor Creator, Guid Campaign, List<Sent> Events)> ArrangeAsync(bool grant = true)
    {
        var svc = new AccountServices(db, privacy: new PrivacyOptions { DefaultGrantHours = 24, MaxGrantHours = 72 });
        var creator = AccountServices.Creator(await db.CreateUserAsync($"c-{Guid.NewGuid():N}@test.example", db.OrganisationId));
        var admin = AccountServices.Admin(await db.CreateUserAsync($"a-{Guid.NewGuid():N}@test.example"));
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "cl-" + Guid.NewGuid().ToString("N")[..8], "List", "EUR", 1m, DateTimeOffset.UtcNow)).Id;
        var random = new Random(9_21);
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        var sent = new List<Sent>();
        // 70 customers: browsing, abandoned carts, pledges, refunds; two ids that only differ where a LIKE wildcard would match.
        var ids = Enumerable.Range(0, 68).Select(i => $"Backer-{i:000}").Concat(["x_1", "xa1"]).ToList();
        foreach (var id in ids)
        {
            var at = start.AddSeconds(random.Next(0, 7200));
            void Emit(string type, decimal? amount = null)
            {
                sent.Add(new Sent(id, type, at, amount));
                at = at.AddSeconds(random.Next(5, 300));
            }
            Emit(EventTypes.PageView);
            var fate = random.Next(4);
            if (fate >= 1) { Emit(EventTypes.CartCreated); }
            if (fate >= 2) { Emit(EventTypes.PledgeCompleted, random.Next(1, 40) * 5m); }
            if (fate == 3) { Emit(EventTypes.PledgeRefunded, 5m); }
            for (var extra = random.Next(3); extra > 0; extra--) { Emit(EventTypes.PageView); }
        }
        await db.Log.AppendAsync([.. sent.Select(e => EventFactory.Event(campaign, e.Customer, e.Type, e.At, e.Amount))]);
        await db.Log.ProcessAllAsync();
        if (grant)
        {
            await svc.Grants.GrantAsync(admin, creator.UserId, campaign, "reconciling pledges with the payment provider");
        }
        return (svc, creator, campaign, sent);
    }

    /// <summary>The list as it must read: per customer, the same figures, filtered and ordered the same way (ties by id).</summary>
    private static List<string> Expected(List<Sent> events, CustomerListQuery q)
    {
        var rows = events.GroupBy(e => e.Customer).Select(g => new
        {
            Id = g.Key,
            First = g.Min(e => e.At), Last = g.Max(e => e.At), Events = g.Count(),
            Pledges = g.Count(e => e.Type == EventTypes.PledgeCompleted),
            Pledged = g.Where(e => e.Type == EventTypes.PledgeCompleted).Sum(e => e.Amount ?? 0),
            Refunds = g.Count(e => e.Type == EventTypes.PledgeRefunded),
            Carts = g.Count(e => e.Type == EventTypes.CartCreated),
        }).Where(c => string.IsNullOrEmpty(q.Search) || c.Id.Contains(q.Search, StringComparison.OrdinalIgnoreCase)).Where(c => q.Filter switch
        {
            CustomerFilter.Pledged => c.Pledges > 0,
            CustomerFilter.Refunded => c.Refunds > 0,
            CustomerFilter.Abandoned => c.Carts > 0 && c.Pledges == 0,
            _ => true,
        });
        Func<dynamic, IComparable> key = q.Sort switch
        {
            CustomerSort.FirstSeen => c => c.First,
            CustomerSort.Events => c => c.Events,
            CustomerSort.Pledged => c => c.Pledged,
            _ => c => c.Last,
        };
        var list = rows.Cast<dynamic>().ToList();
        var ordered = q.Descending ? list.OrderByDescending(key) : list.OrderBy(key);
        return [.. ordered.ThenBy(c => (string)c.Id, StringComparer.Ordinal).Select(c => (string)$"{c.Id} {c.Events} {c.Pledges} {c.Pledged:0.00} {c.Refunds} {c.Carts}")];
    }

    [Fact]
    public async Task CustomerPage_EveryFilterSortAndDirection_PagesTogetherEqualTheListComputedFromTheEventsSent()
    {
        // Arrange
        var (svc, creator, campaign, sent) = await ArrangeAsync();

        foreach (var filter in Enum.GetValues<CustomerFilter>())
        {
            foreach (var sort in Enum.GetValues<CustomerSort>())
            {
                foreach (var descending in new[] { true, false })
                {
                    // Act: walk the pages of 9
                    var query = new CustomerListQuery(null, filter, sort, descending, 1, 9);
                    var expected = Expected(sent, query);
                    var seen = new List<string>();
                    CustomerPage page;
                    do
                    {
                        page = await svc.CustomerData.CustomerPageAsync(creator, campaign, query);
                        Assert.Equal(expected.Count, page.Total);
                        Assert.True(page.Rows.Count <= 9);
                        seen.AddRange(page.Rows.Select(c => $"{c.CustomerId} {c.Events} {c.Pledges} {c.Pledged:0.00} {c.Refunds} {c.Carts}"));
                        query = query with { Page = query.Page + 1 };
                    }
                    while (page.Page < page.Pages);

                    // Assert
                    Assert.Equal(expected, seen);
                }
            }
        }
        Assert.Contains(Enum.GetValues<CustomerFilter>(), f => Expected(sent, new CustomerListQuery(Filter: f)).Count is > 0 and < 70);
    }

    [Theory]
    [InlineData("backer-01", 10)]
    [InlineData("BACKER-06", 8)]
    [InlineData("x_1", 1)]
    [InlineData("%", 0)]
    [InlineData("nobody", 0)]
    public async Task CustomerPage_Search_PartOfTheIdAnyCaseWildcardsLiteral(string search, int count)
    {
        var (svc, creator, campaign, sent) = await ArrangeAsync();

        var page = await svc.CustomerData.CustomerPageAsync(creator, campaign, new CustomerListQuery(search, PageSize: 50));

        Assert.Equal(count, page.Total);
        Assert.Equal(Expected(sent, new CustomerListQuery(search)), page.Rows.Select(c => $"{c.CustomerId} {c.Events} {c.Pledges} {c.Pledged:0.00} {c.Refunds} {c.Carts}"));
    }

    [Fact]
    public async Task CustomerPage_WithoutGrant_RefusedAndEveryPageReadAudited()
    {
        var (svc, creator, campaign, _) = await ArrangeAsync(grant: false);

        await Assert.ThrowsAsync<AccessDeniedException>(() => svc.CustomerData.CustomerPageAsync(creator, campaign, new CustomerListQuery()));
        Assert.Equal(0, await db.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE campaign_id = '{campaign}' AND action = '{AuditActions.CustomerListRead}'"));

        var (svc2, creator2, campaign2, _) = await ArrangeAsync();
        await svc2.CustomerData.CustomerPageAsync(creator2, campaign2, new CustomerListQuery(PageSize: 10));
        await svc2.CustomerData.CustomerPageAsync(creator2, campaign2, new CustomerListQuery(Page: 2, PageSize: 10));
        Assert.Equal(2, await db.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE campaign_id = '{campaign2}' AND action = '{AuditActions.CustomerListRead}'"));
        await Assert.ThrowsAsync<DomainValidationException>(() => svc2.CustomerData.CustomerPageAsync(creator2, campaign2, new CustomerListQuery(new string('a', 129))));
    }
}
