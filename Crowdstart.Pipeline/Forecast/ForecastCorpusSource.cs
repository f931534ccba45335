using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Forecast;

/// <summary>
/// The platform's finished campaigns as a <see cref="ForecastCorpus"/>: every organisation's, since a trajectory in
/// shares of its goal and fractions of its duration says nothing about who ran it, and the forecast shows only
/// aggregates of its neighbours. A campaign counts once it has ended, with a goal and some activity (a campaign that
/// never received an event teaches nothing about campaigns that do). Finished trajectories do not change, so each is
/// read once; the corpus is rebuilt when campaigns finish, and read afresh every 6 hours (refunds after the end).
/// </summary>
public sealed class ForecastCorpusSource(IDbContextFactory<CrowdstartDbContext> contexts, TrajectoryStore trajectories, TimeProvider time)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromHours(6);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<Guid, CampaignTrajectory> _finished = [];
    private ForecastCorpus _corpus = ForecastCorpus.Empty;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    /// <summary>The corpus as of now: campaigns that finished since the last call are added first.</summary>
    public async Task<ForecastCorpus> GetAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            if (now - _readAt > Refresh)
            {
                _finished = [];
                _readAt = now;
            }
            await using var db = await contexts.CreateDbContextAsync(ct);
            var ended = await db.Campaigns.AsNoTracking()
                .Where(c => c.EndAt != null && c.EndAt <= now && c.EndAt > c.LaunchAt && c.GoalAmount > 0)
                .Select(c => new { c.Id, c.GoalAmount, c.LaunchAt, EndAt = c.EndAt!.Value })
                .ToListAsync(ct);
            var missing = ended.Where(c => !_finished.ContainsKey(c.Id)).ToList();
            if (missing.Count == 0 && _corpus.Finished.Count > 0 && ended.Count == _finished.Count)
            {
                return _corpus;
            }
            var read = await trajectories.ReadAsync([.. missing.Select(c => new TrajectoryRequest(c.Id, c.GoalAmount, c.LaunchAt, c.EndAt, c.EndAt))], ct);
            var stillEnded = ended.Select(e => e.Id).ToHashSet();
            var finished = new Dictionary<Guid, CampaignTrajectory>(_finished.Where(f => stillEnded.Contains(f.Key)));
            foreach (var t in read)
            {
                finished[t.CampaignId] = t;
            }
            _finished = finished;
            _corpus = new ForecastCorpus(finished.Values.Where(HasActivity), now);
            return _corpus;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool HasActivity(CampaignTrajectory t) => t.Hours.Count > 0 && (t.Hours[^1].Visits > 0 || t.Hours[^1].Pledges > 0);
}
