using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class SegmentEventMappingConfiguration : IEntityTypeConfiguration<SegmentEventMapping>
{
    public void Configure(EntityTypeBuilder<SegmentEventMapping> b)
    {
        b.ToTable("segment_event_mappings");
        b.HasKey(x => new { x.CampaignId, x.EventName });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.EventName).HasColumnName("event_name").HasMaxLength(200);
        b.Property(x => x.EventType).HasColumnName("event_type").HasMaxLength(40);
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
