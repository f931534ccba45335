using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class CampaignTotalConfiguration : IEntityTypeConfiguration<CampaignTotal>
{
    public void Configure(EntityTypeBuilder<CampaignTotal> b)
    {
        b.ToTable("campaign_partition_totals");
        b.HasKey(x => new { x.CampaignId, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.Events).HasColumnName("events");
        b.Property(x => x.PledgesCompleted).HasColumnName("pledges_completed");
        b.Property(x => x.PledgesRefunded).HasColumnName("pledges_refunded");
        b.Property(x => x.PledgedAmount).HasColumnName("pledged_amount").HasPrecision(18, 2);
        b.Property(x => x.RefundedAmount).HasColumnName("refunded_amount").HasPrecision(18, 2);
        b.Property(x => x.LateEvents).HasColumnName("late_events");
        b.Property(x => x.Carts).HasColumnName("carts");
        b.Property(x => x.CartsCompleted).HasColumnName("carts_completed");
        b.Property(x => x.CohortCustomers).HasColumnName("cohort_customers");
        b.Property(x => x.CohortReturned).HasColumnName("cohort_returned");
    }
}
