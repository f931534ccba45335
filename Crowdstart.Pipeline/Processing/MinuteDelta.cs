namespace Crowdstart.Pipeline.Processing;

/// <summary>Additive per-minute figures of one campaign (from one batch of one partition).</summary>
public sealed class MinuteDelta
{
    public long PageViews;
    public long RewardViews;
    public long CartsCreated;
    public long CheckoutsStarted;
    public long CheckoutsFailed;
    public long PledgesCompleted;
    public long PledgesRefunded;
    public decimal PledgedAmount;
    public decimal RefundedAmount;

    public long Events => PageViews + RewardViews + CartsCreated + CheckoutsStarted + CheckoutsFailed + PledgesCompleted + PledgesRefunded;
}
