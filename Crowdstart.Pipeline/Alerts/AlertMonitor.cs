using System.Text.Json;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// Watches every active campaign: just after each 10-second bucket is complete (its end plus
/// <see cref="AlertOptions.LatenessSeconds"/>, once the pipeline's watermark has passed it) it reads the last two hours
/// of the pipeline's 10-second event counts (pre-computed, live events only), runs the detectors against the
/// campaign's own baseline and the platform's launch prior, folds their signals into the campaign's
/// <see cref="AlertEngine"/>, and stores the resulting transitions. Detection time is therefore the pipeline's
/// freshness plus what the statistics need. The log's reader tells how far behind the pipeline is, from whichever
/// engine holds the unprocessed events (PostgreSQL's table when none is given).
/// </summary>
public sealed class AlertMonitor(
    NpgsqlDataSource dataSource, IDbContextFactory<CrowdstartDbContext> contexts, AlertStore store, IOptions<AlertOptions> options,
    TimeProvider time, ILogger<AlertMonitor> logger, ILogReader? log = null, LaunchPriorStore? priors = null) : BackgroundService
{
    private readonly LaunchPriorStore _priors = priors ?? new LaunchPriorStore(dataSource, time);
    private readonly Dictionary<Guid, (string? SettingsJson, AlertEngine Engine)> _engines = [];
    private readonly Dictionary<Guid, DateTimeOffset> _lastEnd = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogReader _log = log ?? new PostgresLogReader();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        try
        {
            if (options.Value.WarmupSeconds > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(options.Value.WarmupSeconds), time, stoppingToken);
            }
            do
            {
                try
                {
                    await EvaluateOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database may be restarting: the next tick tries again; alerts must never stop the host.
                    logger.LogWarning(ex, "Alert evaluation failed; retrying at the next interval");
                }
            }
            while (await NextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Waits for the next evaluation moment: on the interval's grid (10 s, the bucket width), shifted by the lateness,
    /// so a bucket is judged as soon as its events can have arrived rather than up to an interval later.
    /// </summary>
    private async Task<bool> NextTickAsync(CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.EvaluationIntervalSeconds));
        var lateness = TimeSpan.FromSeconds(options.Value.LatenessSeconds);
        var now = time.GetUtcNow();
        var next = Floor(now - lateness, interval) + interval + lateness + TimeSpan.FromMilliseconds(200);
        await Task.Delay(next - now, time, ct);
        return true;
    }

    /// <summary>Evaluates every active campaign once (the background loop's body; tests call it directly).</summary>
    public async Task EvaluateOnceAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // One evaluator at a time across app instances: the transaction-scoped advisory lock is released when the
            // connection's transaction ends; an instance that does not get it skips this tick.
            await using var lockConnection = await dataSource.OpenConnectionAsync(ct);
            await using var lockTx = await lockConnection.BeginTransactionAsync(ct);
            await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(7305115451)", lockConnection, lockTx))
            {
                if (!(bool)(await tryLock.ExecuteScalarAsync(ct))!)
                {
                    return;
                }
            }
            await EvaluateLockedAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EvaluateLockedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var width = BucketCounts.Width;
        var end = Floor(now - TimeSpan.FromSeconds(options.Value.LatenessSeconds), width);
        // The watermark: buckets the pipeline has not caught up with would read as a collapse, so never look past the
        // receive time of the oldest event still waiting in the log.
        if (await OldestUnprocessedAsync(ct) is { } waiting && waiting < end)
        {
            end = Floor(waiting, width);
        }
        List<(Guid Id, DateTimeOffset LaunchAt, DateTimeOffset? EndAt, string? Settings)> campaigns;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var stale = now.AddHours(-2);
            campaigns = (await db.Campaigns.AsNoTracking()
                    .Where(c => c.LaunchAt <= now && (c.EndAt == null || c.EndAt > stale))
                    .Select(c => new { c.Id, c.LaunchAt, c.EndAt, c.AlertSettingsJson }).ToListAsync(ct))
                .Select(c => (c.Id, c.LaunchAt, c.EndAt, c.AlertSettingsJson)).ToList();
        }
        var watched = campaigns.Where(c => c.EndAt is null || c.EndAt > end).ToList();
        var live = await store.LiveKeysAsync(ct);
        await ResolveLeftBehindAsync(live.Keys, [.. watched.Select(c => c.Id)], ct);
        if (watched.Count == 0)
        {
            return;
        }
        var longest = watched.Select(c => Settings(c.Settings)).Max(Detectors.SpanMinutes);
        var counts = await LoadAsync([.. watched.Select(c => c.Id)], end - TimeSpan.FromMinutes(longest), end, ct);
        var prior = await _priors.GetAsync(ct);
        foreach (var (id, launchAt, _, settingsJson) in watched)
        {
            // One campaign's failure (bad data, a database hiccup) must not silence the others.
            try
            {
                if (_lastEnd.TryGetValue(id, out var last) && end <= last)
                {
                    continue;
                }
                var settings = Settings(settingsJson);
                var engine = Engine(id, settingsJson, settings, live.GetValueOrDefault(id) ?? [], end);
                var span = TimeSpan.FromMinutes(Detectors.SpanMinutes(settings));
                var buckets = BucketCountsReader.Fill(counts, id, end - span, end);
                var context = new DetectorContext(id, prior, engine.OpenSince);
                var transitions = engine.Apply(Detectors.Evaluate(new CampaignSeries(buckets, launchAt), settings, context), end);
                try
                {
                    await store.ApplyAsync(id, transitions, ct);
                }
                catch
                {
                    // The engine moved on but storage did not: rebuild it from storage next time.
                    _engines.Remove(id);
                    throw;
                }
                _lastEnd[id] = end;
                foreach (var t in transitions.Where(t => t.Kind != "updated"))
                {
                    logger.LogInformation("Alert {Kind} for campaign {Campaign}: {Detector} {Scope}: {Message}", t.Kind, id, t.Detector, t.Scope, t.Signal.Message);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Alert evaluation of campaign {Campaign} failed; retrying at the next interval", id);
            }
        }
    }

    private static DateTimeOffset Floor(DateTimeOffset at, TimeSpan width) => new(at.UtcTicks / width.Ticks * width.Ticks, TimeSpan.Zero);

    /// <summary>Live alerts of campaigns no longer watched (ended, or gone) resolve: nobody will ever see them recover.</summary>
    private async Task ResolveLeftBehindAsync(IEnumerable<Guid> withLiveAlerts, HashSet<Guid> watched, CancellationToken ct)
    {
        foreach (var campaign in withLiveAlerts.Where(c => !watched.Contains(c)).ToList())
        {
            await store.ResolveAllAsync(campaign, "system: campaign ended", ct);
            _engines.Remove(campaign);
        }
    }

    /// <summary>
    /// The receive time of the oldest event still waiting in the log, over every partition. Asked of the log engine:
    /// on JetStream unprocessed events are not rows of <c>event_log</c> yet, so a query of the table would always
    /// find the pipeline caught up.
    /// </summary>
    private async Task<DateTimeOffset?> OldestUnprocessedAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var checkpoints = new List<(int Partition, long Offset)>();
        await using (var cmd = new NpgsqlCommand("SELECT partition, \"offset\" FROM partition_checkpoints", connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                checkpoints.Add((reader.GetInt32(0), reader.GetInt64(1)));
            }
        }
        DateTimeOffset? oldest = null;
        foreach (var (partition, offset) in checkpoints)
        {
            if ((await _log.BacklogAsync(connection, partition, new LogPosition(offset), ct)).OldestReceivedAt is { } at && (oldest is null || at < oldest))
            {
                oldest = at;
            }
        }
        return oldest;
    }

    /// <summary>The campaign's detector settings (its own JSON, else the defaults).</summary>
    public static DetectorSettings Settings(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return DetectorSettings.Default;
        }
        try
        {
            var settings = JsonSerializer.Deserialize<DetectorSettings>(json, JsonSerializerOptions.Web);
            return settings is not null && settings.Validate() is null ? settings : DetectorSettings.Default;
        }
        catch (JsonException)
        {
            return DetectorSettings.Default;
        }
    }

    private AlertEngine Engine(Guid campaignId, string? settingsJson, DetectorSettings settings,
        IReadOnlyCollection<(string Detector, string Scope, DateTimeOffset OpenedAt)> live, DateTimeOffset now)
    {
        var engine = _engines.TryGetValue(campaignId, out var existing) && existing.SettingsJson == settingsJson ? existing.Engine : new AlertEngine(settings);
        _engines[campaignId] = (settingsJson, engine);
        // Storage is the source of truth: alerts resolved by hand close here (and cool down), alerts open in storage
        // are open here (after a restart or new settings), so an episode is never opened twice.
        engine.Sync([.. live.Select(l => (l.Detector, l.Scope))], now, live.ToDictionary(l => (l.Detector, l.Scope), l => l.OpenedAt));
        return engine;
    }

    private Task<Dictionary<(Guid, DateTimeOffset), BucketCounts>> LoadAsync(Guid[] campaigns, DateTimeOffset from, DateTimeOffset end, CancellationToken ct) =>
        BucketCountsReader.ReadAsync(dataSource, campaigns, from, end, ct);
}
