using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class MinuteRollupConfiguration : IEntityTypeConfiguration<MinuteRollup>
{
    public void Configure(EntityTypeBuilder<MinuteRollup> b)
    {
        b.ToTable("campaign_minute_rollups");
        b.HasKey(x => new { x.CampaignId, x.Minute, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Minute).HasColumnName("minute");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.PageViews).HasColumnName("page_views");
        b.Property(x => x.RewardViews).HasColumnName("reward_views");
        b.Property(x => x.CartsCreated).HasColumnName("carts_created");
        b.Property(x => x.CheckoutsStarted).HasColumnName("checkouts_started");
        b.Property(x => x.CheckoutsFailed).HasColumnName("checkouts_failed");
        b.Property(x => x.PledgesCompleted).HasColumnName("pledges_completed");
        b.Property(x => x.PledgesRefunded).HasColumnName("pledges_refunded");
        b.Property(x => x.UniqueCustomers).HasColumnName("unique_customers");
        b.Property(x => x.PledgedAmount).HasColumnName("pledged_amount").HasPrecision(18, 2);
        b.Property(x => x.RefundedAmount).HasColumnName("refunded_amount").HasPrecision(18, 2);
    }
}
