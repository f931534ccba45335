using System.Diagnostics;
using System.Text.Json;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Privacy;
using Crowdstart.Pipeline.Query;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

/// <summary>
/// Ad-hoc exploration benchmark: loads a launch of N raw events (default 10 million) into one campaign, plus a
/// neighbour campaign of N/10 so the campaign condition matters, then runs a fixed set of ten typical explorer
/// queries through <see cref="ExploreService"/> (the code the page and the API run) and prints p50/p95 per query
/// and the plan's highlights (EXPLAIN ANALYZE, BUFFERS). Events go straight into the log with binary COPY: this
/// measures reads, not ingest.
/// </summary>
static class ExploreBench
{
    private static readonly string[] Sources =
        ["direct", "direct", "direct", "search", "search", "email", "social:reddit", "social:reddit", "social:twitter", "social:instagram", "social:facebook", "referral:kickbuzz.example"];

    private static readonly string[] Rewards = ["early_bird", "early_bird", "standard", "standard", "standard", "deluxe", "collector"];
    private static readonly decimal[] Prices = [29m, 29m, 39m, 39m, 39m, 79m, 149m];
    private static readonly string[] Devices = ["mobile", "mobile", "mobile", "desktop", "desktop", "tablet"];

    public static async Task RunAsync(string connectionString, int events, int runs, bool load, int parallelWorkers)
    {
        await StorageInitializer.EnsureDatabaseAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(dataSource).Options;
        await using (var db = new CrowdstartDbContext(options))
        {
            db.Database.SetCommandTimeout(TimeSpan.FromHours(1)); // index builds over an existing load
            await db.Database.MigrateAsync();
        }
        await StorageInitializer.EnsurePartitionsAsync(dataSource, 8);
        var contexts = new Factory(options);
        var store = new CampaignStore(contexts, TimeProvider.System);
        var org = await store.EnsureOrganisationAsync("bench", "Benchmarks");

        Guid campaign;
        DateTimeOffset launch;
        await using (var find = dataSource.CreateCommand("SELECT id, launch_at FROM campaigns WHERE slug = 'explore-big'"))
        await using (var r = await find.ExecuteReaderAsync())
        {
            (campaign, launch) = await r.ReadAsync() ? (r.GetGuid(0), r.GetFieldValue<DateTimeOffset>(1)) : (Guid.Empty, default);
        }
        if (campaign == Guid.Empty || load)
        {
            launch = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-3);
            campaign = (await store.CreateCampaignAsync(org, campaign == Guid.Empty ? "explore-big" : "explore-big-" + Guid.NewGuid().ToString("N")[..6],
                "Explorer benchmark launch", "EUR", 2_000_000m, launch)).Id;
            var neighbour = (await store.CreateCampaignAsync(org, "explore-neighbour-" + Guid.NewGuid().ToString("N")[..6], "Neighbour", "EUR", 10_000m, launch)).Id;
            var sw = Stopwatch.StartNew();
            await LoadAsync(dataSource, neighbour, events / 10, launch, seed: 3);
            await LoadAsync(dataSource, campaign, events, launch, seed: 2);
            Console.WriteLine($"load: {events + events / 10:N0} events copied in {sw.Elapsed.TotalSeconds:F0} s");
            sw.Restart();
            await using (var analyze = dataSource.CreateCommand("VACUUM (ANALYZE) event_log"))
            {
                analyze.CommandTimeout = 0;
                await analyze.ExecuteNonQueryAsync();
            }
            Console.WriteLine($"load: VACUUM ANALYZE in {sw.Elapsed.TotalSeconds:F0} s");
        }
        await using (var size = dataSource.CreateCommand(
            "SELECT pg_size_pretty(pg_table_size('event_log')), pg_size_pretty(pg_indexes_size('event_log')), (SELECT count(*) FROM event_log WHERE campaign_id = @c)"))
        {
            size.Parameters.AddWithValue("c", campaign);
            await using var r = await size.ExecuteReaderAsync();
            await r.ReadAsync();
            Console.WriteLine($"event_log: table {r.GetString(0)}, indexes {r.GetString(1)}; campaign events {r.GetInt64(2):N0}");
        }

        // Warm the cache the way a working database is: the log's pages in shared buffers (pg_prewarm, shipped with PostgreSQL).
        await using (var warm = dataSource.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_prewarm; SELECT pg_prewarm('event_log'), pg_prewarm('\"IX_event_log_explore\"')"))
        {
            warm.CommandTimeout = 0;
            await warm.ExecuteNonQueryAsync();
        }
        var compiler = new QueryCompiler(new PrivacyOptions());
        // One query at a time, so the explorer's limits never refuse the benchmark's own runs.
        var exploreOptions = new ExploreOptions
        {
            StatementTimeoutSeconds = 60, QueriesPerMinutePerUser = 100_000, QueriesPerMinutePerOrganisation = 100_000,
            ParallelWorkersPerQuery = parallelWorkers,
        };
        Console.WriteLine($"parallel workers per query: {parallelWorkers}");
        using var exploreDatabase = new ExploreDatabase(connectionString, exploreOptions);
        using var admission = new QueryAdmission(Options.Create(exploreOptions));
        var explore = new ExploreService(contexts, new CampaignAccess(contexts, TimeProvider.System), new AuditLog(contexts, TimeProvider.System), compiler,
            Options.Create(exploreOptions), admission, exploreDatabase);
        var admin = new Actor(Guid.NewGuid(), "bench", IsAdmin: true);
        var now = DateTimeOffset.UtcNow;
        var queries = TypicalQueries(campaign, now);
        Console.WriteLine($"{"query",-58} {"rows",6} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");
        foreach (var (name, query) in queries)
        {
            var times = new List<double>();
            var rows = 0;
            await explore.RunAsync(admin, query); // warm: plan and buffer cache, as on a page people keep using
            for (var i = 0; i < runs; i++)
            {
                var t = Stopwatch.StartNew();
                var result = await explore.RunAsync(admin, query);
                times.Add(t.Elapsed.TotalMilliseconds);
                rows = result.Rows.Count;
            }
            times.Sort();
            Console.WriteLine($"{name,-58} {rows,6} {times[times.Count / 2],8:F0} {times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)],8:F0} {times[^1],8:F0}");
        }
        Console.WriteLine();
        foreach (var (name, query) in queries)
        {
            Console.WriteLine($"EXPLAIN {name}:");
            foreach (var line in await ExplainAsync(dataSource, compiler.Compile(query, new Dictionary<Guid, DateTimeOffset> { [campaign] = launch }), parallelWorkers))
            {
                Console.WriteLine("  " + line);
            }
        }
    }

    /// <summary>The fixed set: questions creators ask during and after a launch.</summary>
    public static IReadOnlyList<(string Name, ExploreQuery Query)> TypicalQueries(Guid campaign, DateTimeOffset now) =>
    [
        ("1 first-hour pledges by network × reward", new ExploreQuery
        {
            Campaigns = [campaign], Time = new QueryTime(FromHoursSinceLaunch: 0, ToHoursSinceLaunch: 1), Types = [EventTypes.PledgeCompleted],
            Filters = [new("source_kind", "eq", ["social"])], GroupBy = ["network", "property:reward"], Measures = ["count", "sum_amount"],
        }),
        ("2 events by type, last 24 h", new ExploreQuery
        {
            Campaigns = [campaign], Time = new QueryTime(From: now.AddHours(-24)), GroupBy = ["type"], Measures = ["count", "unique_customers"],
        }),
        ("3 pledges per hour since launch", new ExploreQuery
        {
            Campaigns = [campaign], Types = [EventTypes.PledgeCompleted], GroupBy = ["hours_since_launch"], Measures = ["count", "sum_amount"], Limit = 1000,
        }),
        ("4 visitors by source kind, last 6 h", new ExploreQuery
        {
            Campaigns = [campaign], Time = new QueryTime(From: now.AddHours(-6)), Types = [EventTypes.PageView], GroupBy = ["source_kind"],
            Measures = ["count", "unique_customers"],
        }),
        ("5 pledge amount p50/p90 by reward", new ExploreQuery
        {
            Campaigns = [campaign], Types = [EventTypes.PledgeCompleted], GroupBy = ["property:reward"],
            Measures = ["count", "avg_amount", "p50_amount", "p90_amount"],
        }),
        ("6 mobile reward views by reward, first 4 h", new ExploreQuery
        {
            Campaigns = [campaign], Time = new QueryTime(FromHoursSinceLaunch: 0, ToHoursSinceLaunch: 4), Types = [EventTypes.RewardView],
            Filters = [new("property:device", "eq", ["mobile"])], GroupBy = ["property:reward"], Measures = ["count"],
        }),
        ("7 checkout failures per minute, last hour", new ExploreQuery
        {
            Campaigns = [campaign], Time = new QueryTime(From: now.AddHours(-1)), Types = [EventTypes.CheckoutFailed], GroupBy = ["minute"],
            Measures = ["count"], Limit = 100,
        }),
        ("8 pledges ≥ €100 from Reddit per day", new ExploreQuery
        {
            Campaigns = [campaign], Types = [EventTypes.PledgeCompleted],
            Filters = [new("source", "contains", ["reddit"]), new("amount", "gte", ["100"])], GroupBy = ["day"], Measures = ["count", "sum_amount", "max_amount"],
        }),
        ("9 top 20 UTM campaigns of visits, first day", new ExploreQuery
        {
            Campaigns = [campaign], Time = new QueryTime(FromHoursSinceLaunch: 0, ToHoursSinceLaunch: 24), Types = [EventTypes.PageView],
            Filters = [new("property:utm_campaign", "exists")], GroupBy = ["property:utm_campaign"], Measures = ["count"],
            Sort = new QuerySort("count", Descending: true), Limit = 20,
        }),
        ("10 carts and checkouts by device × hour, last 12 h", new ExploreQuery
        {
            Campaigns = [campaign], Time = new QueryTime(From: now.AddHours(-12)), Types = [EventTypes.CartCreated, EventTypes.CheckoutStarted],
            GroupBy = ["hour", "type", "property:device"], Measures = ["count"], Limit = 1000,
        }),
    ];

    private static async Task<List<string>> ExplainAsync(NpgsqlDataSource dataSource, CompiledQuery compiled, int parallelWorkers)
    {
        // The same session settings as ExploreService.
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand($"SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; SET LOCAL max_parallel_workers_per_gather = {parallelWorkers}", connection, tx))
        {
            await set.ExecuteNonQueryAsync();
        }
        await using var cmd = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) " + compiled.Sql, connection, tx);
        foreach (var p in compiled.Parameters)
        {
            cmd.Parameters.Add(p.Clone());
        }
        var lines = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var line = r.GetString(0);
            // The plan's nodes with their timings, the scans' conditions, heap fetches and the total; not the parameter values' noise.
            if (line.Contains("->", StringComparison.Ordinal) || lines.Count == 0 || line.Contains("Index Cond", StringComparison.Ordinal)
                || line.Contains("Heap Fetches", StringComparison.Ordinal) || line.Contains("Execution Time", StringComparison.Ordinal)
                || line.Contains("Sort Method", StringComparison.Ordinal) && !line.Contains("Worker", StringComparison.Ordinal))
            {
                lines.Add(line.Length > 220 ? line[..220] + "…" : line);
            }
        }
        return lines;
    }

    /// <summary>
    /// A launch: 40 % of the events in the first 4 h, the rest spread over the 3 days up to now, about 10 events per
    /// customer, funnel-shaped type mix, properties of the allowlist (device on all, reward on reward and money
    /// events, UTM on visits), amounts from the reward's price plus add-ons. Rows are copied ordered by time within
    /// each batch, the way they arrive.
    /// </summary>
    private static async Task LoadAsync(NpgsqlDataSource dataSource, Guid campaign, int count, DateTimeOffset launch, int seed)
    {
        var next = await EventLogCopy.NextOffsetsAsync(dataSource);
        var partitions = next.Length;
        var random = new Random(seed);
        var span = DateTimeOffset.UtcNow - launch;
        var customers = Math.Max(100, count / 10);
        const int Batch = 100_000;
        // Time-ordered overall: the launch's timeline cut into slices loaded one after another.
        var offsets = Enumerable.Range(0, count).Select(_ => random.NextDouble() < 0.4
            ? TimeSpan.FromHours(4 * random.NextDouble())
            : TimeSpan.FromTicks((long)(random.NextDouble() * span.Ticks))).ToArray();
        Array.Sort(offsets);
        for (var done = 0; done < count; done += Batch)
        {
            var n = Math.Min(Batch, count - done);
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await using (var importer = await EventLogCopy.BeginAsync(connection))
            {
                for (var i = 0; i < n; i++)
                {
                    var at = launch + offsets[done + i];
                    var customerNumber = random.Next(customers);
                    var customer = $"c-{customerNumber}";
                    var type = random.NextDouble() switch
                    {
                        < 0.50 => EventTypes.PageView, < 0.72 => EventTypes.RewardView, < 0.82 => EventTypes.CartCreated,
                        < 0.89 => EventTypes.CheckoutStarted, < 0.915 => EventTypes.CheckoutFailed, < 0.995 => EventTypes.PledgeCompleted,
                        _ => EventTypes.PledgeRefunded,
                    };
                    var rewardIndex = random.Next(Rewards.Length);
                    var money = type is EventTypes.PledgeCompleted or EventTypes.PledgeRefunded;
                    var properties = new Dictionary<string, string> { ["device"] = Devices[(customerNumber * 7) % Devices.Length] };
                    if (type != EventTypes.PageView)
                    {
                        properties["reward"] = Rewards[rewardIndex];
                    }
                    else if (random.Next(3) == 0)
                    {
                        properties["utm_campaign"] = $"launch-{random.Next(40):00}";
                    }
                    var p = Partitioner.PartitionFor(customer, partitions);
                    await EventLogCopy.WriteAsync(importer, p, next[p]++, campaign, customer, $"{customer}-{random.Next(3)}", type, at,
                        Sources[(customerNumber * 13 + random.Next(2)) % Sources.Length],
                        money ? Prices[rewardIndex] + 5m * random.Next(0, 5) : null, money ? "EUR" : null, JsonSerializer.Serialize(properties));
                }
                await importer.CompleteAsync();
            }
            await tx.CommitAsync();
        }
        await EventLogCopy.SaveNextOffsetsAsync(dataSource, next);
    }
}
