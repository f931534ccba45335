using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class CartMinuteConfiguration : IEntityTypeConfiguration<CartMinute>
{
    public void Configure(EntityTypeBuilder<CartMinute> b)
    {
        b.ToTable("metric_cart_minutes");
        b.HasKey(x => new { x.CampaignId, x.Minute, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Minute).HasColumnName("minute");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.Carts).HasColumnName("carts");
        b.Property(x => x.Completed).HasColumnName("completed");
    }
}
