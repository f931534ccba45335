using Crowdstart.Pipeline.Retention;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Privacy;

/// <summary>Retention on real PostgreSQL (events from either log engine) with a clock moved forward by the test.</summary>
[Layer(TestLayer.Database)]
public sealed class RetentionEnforcerTests(TestDatabase db) : RetentionEnforcerTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class RetentionEnforcerTestsOnJetStream(JetStreamTestDatabase db) : RetentionEnforcerTests<JetStreamTestDatabase>(db);

/// <summary>The tests of <see cref="RetentionEnforcerTests"/> on each log engine (the engine is the fixture's).</summary>
public abstract class RetentionEnforcerTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private Task<long> CountAsync(string sql) => db.ScalarAsync<long>(sql);

    [Fact]
    public async Task Enforce_TimeMovesForward_ExpiredRawAndCustomerDataGoAggregatesStayUntilTheirOwnLimit()
    {
        // Arrange: an organisation keeping raw events 30 days, customer ids 10 days, aggregates 60 days, and one
        // on the defaults (365 / 90 / 730) whose data must not be touched at all.
        var t0 = DateTimeOffset.UtcNow;
        var svc = new AccountServices(db, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(t0));
        var strict = await db.CreateOrganisationAsync("Strict retention");
        await svc.Organisations.UpdateRetentionAsync(AccountServices.Admin(Guid.NewGuid()), strict, 30, 10, 60);
        var campaign = (await db.Campaigns.CreateCampaignAsync(strict, "ret-" + Guid.NewGuid().ToString("N")[..8], "Retention", "EUR", 1m, t0.AddDays(-20))).Id;
        var relaxed = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "keep-" + Guid.NewGuid().ToString("N")[..8], "Defaults", "EUR", 1m, t0.AddDays(-20))).Id;
        var g1At = t0.AddDays(-9).AddMinutes(-3);
        var g2At = t0.AddDays(-1);
        var g1 = Enumerable.Range(0, 40).SelectMany(i => new[]
        {
            EventFactory.Event(campaign, $"old-{i}", EventTypes.PageView, g1At),
            EventFactory.Event(campaign, $"old-{i}", EventTypes.PledgeCompleted, g1At.AddSeconds(30), 10m),
        }).ToList();
        var g2 = Enumerable.Range(0, 30).Select(i => EventFactory.Event(campaign, $"recent-{i}", EventTypes.PageView, g2At)).ToList();
        var untouched = Enumerable.Range(0, 20).Select(i => EventFactory.Event(relaxed, $"other-{i}", EventTypes.PageView, g1At)).ToList();
        // Customers active both long ago and recently: their history expires as a whole, from their last event.
        var mixed = Enumerable.Range(0, 5).SelectMany(i => new[]
        {
            EventFactory.Event(campaign, $"mixed-{i}", EventTypes.PageView, g1At),
            EventFactory.Event(campaign, $"mixed-{i}", EventTypes.CartCreated, g2At),
        }).ToList();
        await db.Log.AppendAsync([.. g1, .. g2, .. untouched, .. mixed], svc.Time);
        await db.Log.ProcessAllAsync();
        // Appended but not yet folded into the aggregates: retention must never take these.
        var unprocessed = Enumerable.Range(0, 10).Select(i => EventFactory.Event(campaign, $"queued-{i}", EventTypes.PageView, g1At)).ToList();
        await db.Log.AppendAsync(unprocessed, svc.Time);
        var g1Minute = $"date_trunc('minute', '{g1At.UtcDateTime:O}'::timestamptz)";
        var rollupBefore = await CountAsync($"SELECT coalesce(sum(page_views), 0)::bigint FROM campaign_minute_rollups WHERE campaign_id = '{campaign}' AND minute = {g1Minute}");
        var pledgedBefore = await db.ScalarAsync<decimal>($"SELECT coalesce(sum(pledged_amount), 0) FROM campaign_partition_totals WHERE campaign_id = '{campaign}'");
        var enforcer = new RetentionEnforcer(db.DataSource, db.Contexts, svc.Organisations, svc.Audit, Options.Create(new RetentionOptions { BatchSize = 100 }),
            svc.Time, NullLogger<RetentionEnforcer>.Instance);

        // Act 1: nothing is old enough yet.
        var first = await enforcer.EnforceAsync();

        // The test organisation was swept (a failed sweep is logged and left out of the results) and nothing went.
        Assert.Contains(first, r => r.OrganisationId == db.OrganisationId);
        Assert.All(first, r => Assert.False(r.RemovedAnything));
        // (The queued events are checked once processed, below: on JetStream they are not rows of event_log yet.)
        Assert.Equal(g1.Count + g2.Count + mixed.Count,
            await CountAsync($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}' AND customer_id NOT LIKE '~%' AND customer_id NOT LIKE 'queued-%'"));

        // Act 2: 25 days later g1 is 34 days old (raw expired), g2 26 days (customer ids expired).
        svc.Time.Advance(TimeSpan.FromDays(25));
        var second = await enforcer.EnforceAsync();

        // Assert: raw g1 gone in batches of 100, g2 kept without ids, queued events untouched, aggregates intact.
        // The mixed customers' old events outlive the raw limit (their last event is recent) but lose their ids.
        var result = Assert.Single(second, r => r.OrganisationId == strict);
        Assert.Equal(g1.Count, result.RawEventsDeleted);
        Assert.Equal(g2.Count + mixed.Count, result.CustomerIdsErased);
        Assert.Equal(mixed.Count / 2, await CountAsync($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}' AND customer_id = '{CustomerData.ErasedCustomerId}' AND occurred_at < '{g1At.AddMinutes(1).UtcDateTime:O}'"));
        Assert.Equal(0, result.AggregateRowsDeleted);
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}' AND customer_id LIKE 'old-%'"));
        Assert.Equal(g2.Count, await CountAsync($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}' AND customer_id = '{CustomerData.ErasedCustomerId}' AND session_id = '{CustomerData.ErasedCustomerId}'") - mixed.Count);
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}' AND (customer_id LIKE 'recent-%' OR session_id LIKE 's-recent-%')"));
        Assert.Equal(untouched.Count, await CountAsync($"SELECT count(*) FROM event_log WHERE campaign_id = '{relaxed}' AND customer_id LIKE 'other-%'"));
        Assert.Equal(rollupBefore, await CountAsync($"SELECT coalesce(sum(page_views), 0)::bigint FROM campaign_minute_rollups WHERE campaign_id = '{campaign}' AND minute = {g1Minute}"));
        Assert.Equal(g1.Count / 2 + mixed.Count / 2, rollupBefore);
        Assert.Equal(pledgedBefore, await db.ScalarAsync<decimal>($"SELECT coalesce(sum(pledged_amount), 0) FROM campaign_partition_totals WHERE campaign_id = '{campaign}'"));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM audit_log WHERE action = '{AuditActions.RetentionEnforced}' AND details LIKE 'Strict retention:%'"));

        // Act + Assert: the pipeline catches up, and every queued event is there to be counted. On PostgreSQL their
        // rows outlived both sweeps (a deleted row never comes back); on JetStream they waited in the stream.
        await db.Log.ProcessAllAsync();
        Assert.Equal(unprocessed.Count, await CountAsync($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}' AND customer_id LIKE 'queued-%'"));
        Assert.Equal(unprocessed.Count, await CountAsync($"SELECT coalesce(sum(page_views), 0)::bigint FROM campaign_minute_rollups WHERE campaign_id = '{campaign}' AND minute = {g1Minute}") - rollupBefore);

        // A forgotten customer comes back, and so does one whose ids were erased: the pipeline counts them anew
        // and no aggregate goes negative (it would if half a history had been removed under it).
        await db.Log.AppendAsync([
            EventFactory.Event(campaign, "old-0", EventTypes.PageView, svc.Time.GetUtcNow().AddMinutes(-1)),
            EventFactory.Event(campaign, "mixed-0", EventTypes.PledgeCompleted, svc.Time.GetUtcNow().AddMinutes(-1), 25m),
        ], svc.Time);
        await db.Log.ProcessAllAsync();
        Assert.Empty(await NegativeAggregatesAsync());

        // Act 3: 30 more days: g1's aggregates are 64 days old, past their own 60-day limit; g2's (56 days) stay.
        svc.Time.Advance(TimeSpan.FromDays(30));
        var third = Assert.Single(await enforcer.EnforceAsync(), r => r.OrganisationId == strict);

        Assert.True(third.AggregateRowsDeleted > 0);
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM campaign_minute_rollups WHERE campaign_id = '{campaign}' AND minute = {g1Minute}"));
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM metric_window_points WHERE campaign_id = '{campaign}' AND point < '{g1At.AddDays(1).UtcDateTime:O}'"));
        // g2's 30 page views and the returning customer's one.
        Assert.Equal(31, await CountAsync($"SELECT coalesce(sum(page_views), 0)::bigint FROM campaign_minute_rollups WHERE campaign_id = '{campaign}' AND minute >= '{g2At.AddMinutes(-1).UtcDateTime:O}'"));
        Assert.Equal(untouched.Count, await CountAsync($"SELECT coalesce(sum(page_views), 0)::bigint FROM campaign_minute_rollups WHERE campaign_id = '{relaxed}'"));
    }

    private async Task<List<string>> NegativeAggregatesAsync()
    {
        var columns = new List<(string Table, string Column)>();
        await using (var cmd = db.DataSource.CreateCommand(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type IN ('bigint', 'numeric', 'integer')
              AND (c.table_name LIKE 'metric%' OR c.table_name IN ('campaign_minute_rollups', 'campaign_partition_totals'))
              AND c.column_name NOT IN ('partition', 'step', 'window_seconds', 'hours_since', 'seconds')
            """))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        Assert.True(columns.Count > 10, $"only {columns.Count} aggregate columns found");
        var negative = new List<string>();
        foreach (var (table, column) in columns)
        {
            if (await CountAsync($"SELECT count(*) FROM \"{table}\" WHERE \"{column}\" < 0") > 0)
            {
                negative.Add($"{table}.{column}");
            }
        }
        return negative;
    }

    [Fact]
    public async Task UpdateRetention_CustomerDataLongerThanRawOrByCreator_IsRefused()
    {
        var svc = new AccountServices(db);
        var org = await db.CreateOrganisationAsync("Validation");

        var longer = await Assert.ThrowsAsync<DomainValidationException>(() => svc.Organisations.UpdateRetentionAsync(AccountServices.Admin(Guid.NewGuid()), org, 30, 60, 90));
        var outOfRange = await Assert.ThrowsAsync<DomainValidationException>(() => svc.Organisations.UpdateRetentionAsync(AccountServices.Admin(Guid.NewGuid()), org, 0, null, null));
        await Assert.ThrowsAsync<AccessDeniedException>(() => svc.Organisations.UpdateRetentionAsync(AccountServices.Creator(Guid.NewGuid()), org, 30, 10, 90));

        // Each refusal names the field to correct, so a form (or an API client) can point at it.
        Assert.Equal("customerDataDays", Assert.Single(longer.Errors).Field);
        Assert.Equal("rawEventDays", Assert.Single(outOfRange.Errors).Field);
    }
}
