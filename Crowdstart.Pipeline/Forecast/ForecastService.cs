using Crowdstart.Pipeline.Processing;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// Keeps the forecasts of running campaigns current (pipeline instances): wakes when the pipeline commits changes,
/// at most every <see cref="ForecastStore.MinInterval"/>, and at least every minute (a quiet campaign's chance falls
/// as its time runs out). Each run extends the cached trajectories of the running campaigns by their last hours,
/// forecasts them from the corpus of finished campaigns, keeps the forecasts that moved and tells the pages.
/// Campaigns without an end date get no forecast (there is no "final" to project).
/// </summary>
public sealed class ForecastService(
    IDbContextFactory<CrowdstartDbContext> contexts,
    TrajectoryStore trajectories,
    ForecastCorpusSource corpus,
    Forecaster forecaster,
    ForecastStore store,
    CampaignChangeFeed changes,
    TimeProvider time,
    ILogger<ForecastService> logger) : BackgroundService
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);
    private readonly Dictionary<Guid, CampaignTrajectory> _running = [];
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = changes.Subscribe(null, () =>
        {
            if (_wake.CurrentCount == 0)
            {
                try
                {
                    _wake.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already woken.
                }
            }
            return Task.CompletedTask;
        });
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Forecasting failed; retrying");
            }
            try
            {
                await Task.Delay(ForecastStore.MinInterval, time, stoppingToken);
                await _wake.WaitAsync(Quiet, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Forecasts every running campaign with an end date once; returns how many forecasts were kept.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var running = await db.Campaigns.AsNoTracking()
            .Where(c => c.EndAt != null && c.LaunchAt <= now && c.EndAt > now && c.GoalAmount > 0)
            .Select(c => new { c.Id, c.GoalAmount, c.LaunchAt, EndAt = c.EndAt!.Value })
            .ToListAsync(ct);
        foreach (var gone in _running.Keys.Where(id => running.All(r => r.Id != id)).ToList())
        {
            _running.Remove(gone);
        }
        // A campaign whose goal or dates changed is read again from launch.
        var fresh = running.Where(r => !_running.TryGetValue(r.Id, out var t) || t.Goal != r.GoalAmount || t.LaunchAt != r.LaunchAt || t.EndAt != r.EndAt).ToList();
        foreach (var t in await trajectories.ReadAsync([.. fresh.Select(r => new TrajectoryRequest(r.Id, r.GoalAmount, r.LaunchAt, r.EndAt, now))], ct))
        {
            _running[t.CampaignId] = t;
        }
        var known = running.Where(r => fresh.All(f => f.Id != r.Id)).Select(r => _running[r.Id]).ToList();
        foreach (var t in await trajectories.ExtendAsync(known, now, ct))
        {
            _running[t.CampaignId] = t;
        }
        if (_running.Count == 0)
        {
            return 0;
        }
        var finished = await corpus.GetAsync(ct);
        var kept = new List<Guid>();
        foreach (var trajectory in _running.Values.Where(t => t.ObservedHours >= Forecaster.FirstForecast.TotalHours))
        {
            var forecast = forecaster.Predict(trajectory, finished, now);
            if (await store.SaveAsync(forecast, ct))
            {
                kept.Add(forecast.CampaignId);
            }
        }
        changes.Publish(kept);
        return kept.Count;
    }
}
