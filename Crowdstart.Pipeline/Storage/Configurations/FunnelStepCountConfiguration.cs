using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class FunnelStepCountConfiguration : IEntityTypeConfiguration<FunnelStepCount>
{
    public void Configure(EntityTypeBuilder<FunnelStepCount> b)
    {
        b.ToTable("metric_funnel_steps");
        b.HasKey(x => new { x.CampaignId, x.Source, x.Step, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Source).HasColumnName("source");
        b.Property(x => x.Step).HasColumnName("step");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.Customers).HasColumnName("customers");
    }
}
