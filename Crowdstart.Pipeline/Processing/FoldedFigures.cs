using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Metrics;

namespace Crowdstart.Pipeline.Processing;

/// <summary>Campaign-lifetime additive figures of a fold (<c>campaign_partition_totals</c>, apart from carts and cohorts).</summary>
public sealed class CampaignTotalsDelta
{
    public long Events;
    public long Pledges;
    public long Refunds;
    public decimal Pledged;
    public decimal Refunded;
    public long Late;
}

/// <summary>
/// What a fold of events adds to one partition's metric rows: the additive figures of the events themselves and the
/// per-customer differences. A batch of the pipeline is one fold; a rebuild adds many reads of a campaign's log into
/// one, since every figure is a sum over events or over customers.
/// </summary>
public sealed class FoldedFigures
{
    public Dictionary<(Guid Campaign, DateTimeOffset Minute), MinuteDelta> Minutes { get; } = [];
    public MetricDeltas Metrics { get; } = new();
    public Dictionary<Guid, CampaignTotalsDelta> Totals { get; } = [];
    /// <summary>10-second counts of live (not late) events.</summary>
    public Dictionary<(Guid CampaignId, DateTimeOffset Bucket, string Type, string Source), long> Counts { get; } = [];

    /// <summary>Adds the events' additive figures; lateness follows each campaign's settings.</summary>
    public void AddEvents(IEnumerable<LoggedEvent> events, IReadOnlyDictionary<Guid, MetricSettings> settings)
    {
        var list = events as IReadOnlyCollection<LoggedEvent> ?? [.. events];
        MinuteAggregator.AggregateInto(list.Select(e => e.Event), Minutes);
        foreach (var e in list)
        {
            var campaign = e.Event.CampaignId;
            if (!Totals.TryGetValue(campaign, out var t))
            {
                Totals[campaign] = t = new CampaignTotalsDelta();
            }
            t.Events++;
            if (e.Event.Type == EventTypes.PledgeCompleted)
            {
                t.Pledges++;
                t.Pledged += e.Event.Amount ?? 0;
            }
            else if (e.Event.Type == EventTypes.PledgeRefunded)
            {
                t.Refunds++;
                t.Refunded += e.Event.Amount ?? 0;
            }
            if (e.ReceivedAt - e.Event.OccurredAt > settings[campaign].AllowedLateness)
            {
                t.Late++;
                continue;
            }
            var key = (campaign, MetricWindows.Bucket(e.Event.OccurredAt), e.Event.Type, e.Event.Source);
            Counts[key] = Counts.GetValueOrDefault(key) + 1;
        }
    }
}
