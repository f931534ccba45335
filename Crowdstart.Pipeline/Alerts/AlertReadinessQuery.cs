using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// Which of a campaign's detectors are active, and against what (<see cref="Detectors.Readiness"/>): read the way the
/// monitor reads, so the banner area tells a launching creator the truth about the launch hour.
/// </summary>
public sealed class AlertReadinessQuery(NpgsqlDataSource dataSource, IDbContextFactory<CrowdstartDbContext> contexts, LaunchPriorStore priors,
    IOptions<AlertOptions> options, TimeProvider time)
{
    public async Task<AlertReadiness?> GetAsync(Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId)
            .Select(c => new { c.LaunchAt, c.EndAt, c.AlertSettingsJson }).FirstOrDefaultAsync(ct);
        var now = time.GetUtcNow();
        if (campaign is null || campaign.LaunchAt > now || campaign.EndAt <= now)
        {
            return null;
        }
        var settings = AlertMonitor.Settings(campaign.AlertSettingsJson);
        var width = BucketCounts.Width;
        var end = new DateTimeOffset((now - TimeSpan.FromSeconds(options.Value.LatenessSeconds)).UtcTicks / width.Ticks * width.Ticks, TimeSpan.Zero);
        var from = end - TimeSpan.FromMinutes(Detectors.SpanMinutes(settings));
        var counts = await BucketCountsReader.ReadAsync(dataSource, [campaignId], from, end, ct);
        var series = new CampaignSeries(BucketCountsReader.Fill(counts, campaignId, from, end), campaign.LaunchAt);
        var prior = await priors.GetAsync(ct);
        var readiness = Detectors.Readiness(series, settings, new DetectorContext(campaignId, prior, new Dictionary<string, DateTimeOffset>()));
        return new AlertReadiness(readiness, readiness.Max(r => r.PriorCampaigns),
            campaign.LaunchAt + TimeSpan.FromMinutes(Detectors.TrafficLearningMinutes + settings.TrafficMemoryMinutes));
    }
}
