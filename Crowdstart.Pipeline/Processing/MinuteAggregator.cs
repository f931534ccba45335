using Crowdstart.Pipeline.Events;

namespace Crowdstart.Pipeline.Processing;

/// <summary>Folds events into per-(campaign, event-time minute) deltas. Pure, so it is tested on its own.</summary>
public static class MinuteAggregator
{
    public static Dictionary<(Guid Campaign, DateTimeOffset Minute), MinuteDelta> Aggregate(IEnumerable<EventRecord> events)
    {
        var result = new Dictionary<(Guid Campaign, DateTimeOffset Minute), MinuteDelta>();
        AggregateInto(events, result);
        return result;
    }

    /// <summary>Adds the events' figures to <paramref name="result"/> (folds made of several reads).</summary>
    public static void AggregateInto(IEnumerable<EventRecord> events, Dictionary<(Guid Campaign, DateTimeOffset Minute), MinuteDelta> result)
    {
        foreach (var e in events)
        {
            var key = (e.CampaignId, EventTime.MinuteOf(e.OccurredAt));
            if (!result.TryGetValue(key, out var d))
            {
                result[key] = d = new MinuteDelta();
            }
            switch (e.Type)
            {
                case EventTypes.PageView: d.PageViews++; break;
                case EventTypes.RewardView: d.RewardViews++; break;
                case EventTypes.CartCreated: d.CartsCreated++; break;
                case EventTypes.CheckoutStarted: d.CheckoutsStarted++; break;
                case EventTypes.CheckoutFailed: d.CheckoutsFailed++; break;
                case EventTypes.PledgeCompleted:
                    d.PledgesCompleted++;
                    d.PledgedAmount += e.Amount ?? 0;
                    break;
                case EventTypes.PledgeRefunded:
                    d.PledgesRefunded++;
                    d.RefundedAmount += e.Amount ?? 0;
                    break;
            }
        }
    }
}
