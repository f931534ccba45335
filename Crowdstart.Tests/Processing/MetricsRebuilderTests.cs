using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Processing;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Processing;

/// <summary>
/// A metric-definition change rebuilds the campaign's metrics from the log: the rebuilt rows must equal the independent
/// SQL recomputation (<see cref="MetricsOracle"/>) under the new definition, including events the pipeline folded while
/// the rebuild ran; until the swap, and after a failed one, the stored rows are the old definition's.
/// </summary>
[Layer(TestLayer.Database)]
public sealed class MetricsRebuilderTests(TestDatabase db) : MetricsRebuilderTests<TestDatabase>(db);

[Layer(TestLayer.Database)]
public sealed class MetricsRebuilderTestsOnJetStream(JetStreamTestDatabase db) : MetricsRebuilderTests<JetStreamTestDatabase>(db);

/// <summary>The rebuild's proof on each log engine (the engine is the fixture's).</summary>
public abstract class MetricsRebuilderTests<TDatabase>(TDatabase db) : IClassFixture<TDatabase> where TDatabase : TestDatabase
{
    private static readonly TimeSpan Lateness = TimeSpan.FromMinutes(10);

    private static readonly FunnelDefinition NewFunnel = new([
        new(EventTypes.PageView), new(EventTypes.CartCreated, 300), new(EventTypes.PledgeCompleted, 600)]);

    private const int NewCartWindowSeconds = 900;

    private MetricsRebuilder NewRebuilder() => new(db.DataSource,
        new CampaignChangeFeed(Options.Create(new ProcessingOptions()), TimeProvider.System, NullLogger<CampaignChangeFeed>.Instance),
        TimeProvider.System, NullLogger<MetricsRebuilder>.Instance) { ChunkCustomers = 7 };

    /// <summary>A campaign with random traffic over the last 25 minutes (some of it late), folded by the pipeline.</summary>
    private async Task<(Guid Campaign, Guid Other)> CampaignWithTrafficAsync(int seed)
    {
        var random = new Random(seed);
        var campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, $"rebuild-{seed}", "Rebuild", "EUR", 5_000m, DateTimeOffset.UtcNow.AddHours(-1))).Id;
        var other = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, $"rebuild-other-{seed}", "Neighbour", "EUR", 5_000m, DateTimeOffset.UtcNow.AddHours(-1))).Id;
        await db.Log.AppendAsync(EventFactory.RandomStream(random, [campaign, other], 2_500, 160, 25, DateTimeOffset.UtcNow.AddMinutes(-25)));
        await db.Log.ProcessAllAsync(97);
        return (campaign, other);
    }

    private async Task<Guid> QueueRebuildAsync(Guid campaign) => await db.ScalarAsync<Guid>(
        $"""
        INSERT INTO metrics_rebuilds (id, campaign_id, status, funnel, cart_window_seconds, requested_by, requested_at, customers_total, customers_done, events)
        VALUES (gen_random_uuid(), '{campaign}', 'queued', '{NewFunnel.ToJson()}', {NewCartWindowSeconds}, 'test', now(), 0, 0, 0) RETURNING id
        """);

    private async Task AssertMetricsFollowAsync(Guid campaign, FunnelDefinition funnel, TimeSpan cartWindow)
    {
        foreach (var w in MetricWindows.WindowSeconds)
        {
            AssertSame(await MetricsOracle.WindowsAsync(db.DataSource, campaign, w, Lateness), $"window {w}s");
        }
        AssertSame(await MetricsOracle.FunnelAsync(db.DataSource, campaign, funnel), "funnel");
        AssertSame(await MetricsOracle.CohortsAsync(db.DataSource, campaign), "cohorts");
        AssertSame(await MetricsOracle.CartsAsync(db.DataSource, campaign, cartWindow), "carts");
        AssertSame(await MetricsOracle.CartCompletionAsync(db.DataSource, campaign, cartWindow), "cart completion");
        AssertSame(await MetricsOracle.EventCountsAsync(db.DataSource, campaign, Lateness), "10 s event counts");
        AssertSame(await MetricsOracle.LateEventsAsync(db.DataSource, campaign, Lateness), "late events");
        var stored = (await RollupOracle.StoredAsync(db.DataSource)).Where(r => r.Campaign == campaign).ToList();
        var expected = (await RollupOracle.RecomputeAsync(db.DataSource)).Where(r => r.Campaign == campaign).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, stored);
        var (totalsExpected, totalsStored) = await RollupOracle.TotalsAsync(db.DataSource);
        Assert.Equal(totalsExpected, totalsStored);
    }

    [Fact]
    public async Task Rebuild_NewFunnelAndCartWindowWithEventsArrivingMeanwhile_EveryMetricEqualsSqlRecomputation()
    {
        // Arrange: folded under the default definition; a rebuild to a shorter funnel and cart window is queued.
        var (campaign, other) = await CampaignWithTrafficAsync(2026_12_06);
        var rebuild = await QueueRebuildAsync(campaign);
        var rebuilder = NewRebuilder();
        var random = new Random(11);
        var held = false;
        rebuilder.FaultInjector = async point =>
        {
            if (point != "after-snapshot")
            {
                return;
            }
            // While the rebuild is between its snapshot and its swap: the old definition's figures are what readers see,
            // and the pipeline keeps folding new events (old and new customers) under the old definition.
            held = true;
            AssertSame(await MetricsOracle.FunnelAsync(db.DataSource, campaign, FunnelDefinition.Default), "funnel before the swap");
            await db.Log.AppendAsync(EventFactory.RandomStream(random, [campaign, other], 400, 200, 5, DateTimeOffset.UtcNow.AddMinutes(-5)));
            await db.Log.ProcessAllAsync(53);
        };

        // Act
        Assert.Equal(rebuild, await rebuilder.ClaimAsync(default));
        await rebuilder.RunAsync(rebuild, default);

        // Assert
        Assert.True(held, "the rebuild must pass its snapshot point");
        Assert.Equal("done", await db.ScalarAsync<string>($"SELECT status FROM metrics_rebuilds WHERE id = '{rebuild}'"));
        Assert.True(await db.ScalarAsync<bool>($"SELECT customers_done = customers_total AND customers_total > 0 FROM metrics_rebuilds WHERE id = '{rebuild}'"));
        Assert.Equal(NewFunnel.ToJson(), FunnelDefinition.Parse(await db.ScalarAsync<string>($"SELECT funnel::text FROM campaigns WHERE id = '{campaign}'")).ToJson());
        Assert.Equal(NewCartWindowSeconds, await db.ScalarAsync<int>($"SELECT cart_window_seconds FROM campaigns WHERE id = '{campaign}'"));
        await AssertMetricsFollowAsync(campaign, NewFunnel, TimeSpan.FromSeconds(NewCartWindowSeconds));
        // The neighbour keeps its own definition; then both keep following theirs as new batches arrive.
        AssertSame(await MetricsOracle.FunnelAsync(db.DataSource, other, FunnelDefinition.Default), "neighbour's funnel after the swap");
        await db.Log.AppendAsync(EventFactory.RandomStream(random, [campaign, other], 300, 220, 3, DateTimeOffset.UtcNow.AddMinutes(-3)));
        await db.Log.ProcessAllAsync(41);
        await AssertMetricsFollowAsync(campaign, NewFunnel, TimeSpan.FromSeconds(NewCartWindowSeconds));
        AssertSame(await MetricsOracle.FunnelAsync(db.DataSource, other, FunnelDefinition.Default), "neighbour's funnel");
    }

    [Fact]
    public async Task Rebuild_CrashBeforeCommit_FailedAndOldDefinitionAndFiguresStay()
    {
        // Arrange
        var (campaign, _) = await CampaignWithTrafficAsync(2026_12_07);
        var rebuild = await QueueRebuildAsync(campaign);
        var rebuilder = NewRebuilder();
        rebuilder.FaultInjector = point => point == "before-commit" ? throw new SimulatedCrashException(point) : Task.CompletedTask;

        // Act
        Assert.Equal(rebuild, await rebuilder.ClaimAsync(default));
        await rebuilder.RunAsync(rebuild, default);

        // Assert
        Assert.Equal("failed", await db.ScalarAsync<string>($"SELECT status FROM metrics_rebuilds WHERE id = '{rebuild}'"));
        Assert.Contains("before-commit", await db.ScalarAsync<string>($"SELECT error FROM metrics_rebuilds WHERE id = '{rebuild}'"));
        Assert.Equal(FunnelDefinition.Default.ToJson(), FunnelDefinition.Parse(await db.ScalarAsync<string>($"SELECT funnel::text FROM campaigns WHERE id = '{campaign}'")).ToJson());
        await AssertMetricsFollowAsync(campaign, FunnelDefinition.Default, TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Claim_RunningRebuildWithStaleHeartbeat_IsTakenOverAndCompleted()
    {
        // Arrange: a rebuild whose runner died mid-way (status running, heartbeat a minute old)
        var (campaign, _) = await CampaignWithTrafficAsync(2026_12_08);
        var rebuild = await QueueRebuildAsync(campaign);
        await db.ScalarAsync<int>($"WITH u AS (UPDATE metrics_rebuilds SET status = 'running', heartbeat_at = now() - interval '1 minute', customers_done = 3 WHERE id = '{rebuild}' RETURNING 1) SELECT count(*)::int FROM u");
        var rebuilder = NewRebuilder();

        // Act
        var claimed = await rebuilder.ClaimAsync(default);
        await rebuilder.RunAsync(claimed!.Value, default);

        // Assert
        Assert.Equal(rebuild, claimed);
        Assert.Equal("done", await db.ScalarAsync<string>($"SELECT status FROM metrics_rebuilds WHERE id = '{rebuild}'"));
        await AssertMetricsFollowAsync(campaign, NewFunnel, TimeSpan.FromSeconds(NewCartWindowSeconds));
    }

    private static void AssertSame((List<string> Expected, List<string> Stored) result, string metric)
    {
        Assert.True(result.Expected.Count > 0, $"{metric}: the oracle found nothing to compare");
        var missing = result.Expected.Except(result.Stored).Take(5).ToList();
        var extra = result.Stored.Except(result.Expected).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && result.Expected.Count == result.Stored.Count,
            $"{metric} differs from the recomputation:\n expected but not stored: {string.Join("; ", missing)}\n stored but not expected: {string.Join("; ", extra)}");
    }
}
