using Crowdstart.Pipeline.Retention;
using System.Diagnostics;
using System.Text.Json;
using Crowdstart.Pipeline;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

/// <summary>
/// Costs of the privacy layer: (1) validation with the PII scan and allowlist, events/s on one core, for clean
/// launch events and for PII-bearing ones; (2) the access check every page and API call makes (one query),
/// p50/p95; (3) the retention sweep: deleting expired raw events and erasing expired customer ids, rows/s.
/// </summary>
static class PrivacyBench
{
    public static async Task RunAsync(string connectionString, int events, int partitions)
    {
        ValidatorThroughput();
        await StorageInitializer.EnsureDatabaseAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(dataSource).Options;
        await using (var db = new CrowdstartDbContext(options))
        {
            await db.Database.MigrateAsync();
        }
        await StorageInitializer.EnsurePartitionsAsync(dataSource, partitions);
        var contexts = new Factory(options);
        var store = new CampaignStore(contexts, TimeProvider.System);
        var org = await store.EnsureOrganisationAsync("bench-retention-" + Guid.NewGuid().ToString("N")[..6], "Retention bench");
        var campaign = await store.CreateCampaignAsync(org, "bench-ret-" + Guid.NewGuid().ToString("N")[..6], "Retention", "EUR", 1m, DateTimeOffset.UtcNow.AddDays(-400));

        await AccessCheckLatencyAsync(contexts, campaign.Id);

        // Half the events are past the raw limit (deleted), half past the customer-data limit only (ids erased).
        var writer = new EventLogWriter(dataSource, partitions, TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        for (var offset = 0; offset < events; offset += 10_000)
        {
            // 25,000 customers last seen 200 days ago, 25,000 others last seen 60 days ago (20 events each).
            var old = offset < events / 2;
            var ageDays = old ? 200 : 60;
            await writer.AppendAsync([.. Enumerable.Range(offset, Math.Min(10_000, events - offset)).Select(i =>
                new EventRecord(Guid.NewGuid(), EventTypes.PageView, campaign.Id, $"c-{(old ? "a" : "b")}{i % 25_000}", $"s-{i}", now.AddDays(-ageDays).AddSeconds(i % 3600),
                    "direct", null, null, """{"device":"mobile"}"""))]);
        }
        await using (var cmd = dataSource.CreateCommand("UPDATE partition_checkpoints c SET \"offset\" = p.next_offset - 1 FROM log_partitions p WHERE p.partition = c.partition"))
        {
            await cmd.ExecuteNonQueryAsync();
        }
        await using (var cmd = dataSource.CreateCommand("VACUUM ANALYZE event_log"))
        {
            await cmd.ExecuteNonQueryAsync();
        }
        var audit = new AuditLog(contexts, TimeProvider.System);
        var retentionOptions = Options.Create(new RetentionOptions { RawEventDays = 100, CustomerDataDays = 30, AggregateDays = 730, BatchSize = 5000 });
        var enforcer = new RetentionEnforcer(dataSource, contexts, new Organisations(contexts, audit, retentionOptions, TimeProvider.System), audit,
            retentionOptions, TimeProvider.System, NullLogger<RetentionEnforcer>.Instance);
        var sw = Stopwatch.StartNew();
        var results = await enforcer.EnforceAsync();
        var mine = results.Single(r => r.OrganisationId == org);
        Console.WriteLine($"retention_events={events} raw_deleted={mine.RawEventsDeleted} ids_erased={mine.CustomerIdsErased} " +
                          $"seconds={sw.Elapsed.TotalSeconds:F1} rows_per_s={(mine.RawEventsDeleted + mine.CustomerIdsErased) / sw.Elapsed.TotalSeconds:F0} batch=5000");
    }

    private static void ValidatorThroughput()
    {
        var campaign = Guid.NewGuid();
        var validator = new EventValidator(new IngestionOptions(), TimeProvider.System, new PrivacyOptions());
        var target = new IngestTarget(campaign, "EUR");
        var at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
        string Event(string type, string props, string extra = "") =>
            $$"""{"eventId":"{{Guid.NewGuid()}}","type":"{{type}}","campaignId":"{{campaign}}","customerId":"c-8f3a2b91","sessionId":"s-77aa01","occurredAt":"{{at}}","source":"social:reddit"{{extra}},"properties":{{props}}}""";
        var clean = new[]
        {
            Event("page_view", """{"page":"campaign","device":"mobile","utm_campaign":"launch_day"}"""),
            Event("checkout_started", """{"reward":"early_bird","payment":"card","quantity":2}"""),
            Event("pledge_completed", """{"reward":"duo_pack","payment":"paypal"}""", ""","amount":129,"currency":"EUR" """.TrimEnd()),
        };
        var dirty = new[]
        {
            Event("page_view", """{"page":"call +49 151 2345 6789","device":"mobile"}"""),
            Event("checkout_started", """{"reward":"4111 1111 1111 1111"}"""),
            Event("page_view", """{"name":"Jane Doe"}"""),
        };
        var bare = clean.Select(e => e[..e.IndexOf(",\"properties\"", StringComparison.Ordinal)] + "}").ToArray();
        foreach (var (label, set) in new[] { ("clean", clean), ("clean_without_properties", bare), ("pii", dirty) })
        {
            var docs = set.Select(s => JsonDocument.Parse(s)).ToArray();
            var errors = new List<EventError>();
            const int N = 300_000;
            for (var i = 0; i < 20_000; i++)
            {
                errors.Clear();
                validator.Validate(docs[i % docs.Length].RootElement, i, target, errors);
            }
            var accepted = 0;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < N; i++)
            {
                errors.Clear();
                if (validator.Validate(docs[i % docs.Length].RootElement, i, target, errors) is not null)
                {
                    accepted++;
                }
            }
            Console.WriteLine($"validate_{label}: {N / sw.Elapsed.TotalSeconds:F0} events/s on one core ({sw.Elapsed.TotalMicroseconds / N:F2} µs/event), accepted {accepted}/{N}");
        }
    }

    private static async Task AccessCheckLatencyAsync(IDbContextFactory<CrowdstartDbContext> contexts, Guid campaign)
    {
        var access = new CampaignAccess(contexts, TimeProvider.System);
        var creator = new Actor(Guid.NewGuid(), "bench", false);
        var samples = new List<double>();
        for (var i = 0; i < 1200; i++)
        {
            var sw = Stopwatch.StartNew();
            await access.CanReadAsync(creator, campaign);
            if (i >= 200)
            {
                samples.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        samples.Sort();
        Console.WriteLine($"access_check: p50={samples[samples.Count / 2]:F2} ms p95={samples[(int)(samples.Count * 0.95)]:F2} ms (CampaignAccess.CanReadAsync, one query)");
    }
}
