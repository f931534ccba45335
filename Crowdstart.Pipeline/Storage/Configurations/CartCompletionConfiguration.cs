using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class CartCompletionConfiguration : IEntityTypeConfiguration<CartCompletion>
{
    public void Configure(EntityTypeBuilder<CartCompletion> b)
    {
        b.ToTable("metric_cart_completion");
        b.HasKey(x => new { x.CampaignId, x.Seconds, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Seconds).HasColumnName("seconds");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.Carts).HasColumnName("carts");
    }
}
