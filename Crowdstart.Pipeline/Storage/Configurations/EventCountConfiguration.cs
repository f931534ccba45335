using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class EventCountConfiguration : IEntityTypeConfiguration<EventCount>
{
    public void Configure(EntityTypeBuilder<EventCount> b)
    {
        b.ToTable("metric_event_counts");
        b.HasKey(x => new { x.CampaignId, x.Bucket, x.Type, x.Source, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Bucket).HasColumnName("bucket");
        b.Property(x => x.Type).HasColumnName("type");
        b.Property(x => x.Source).HasColumnName("source");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.Events).HasColumnName("events");
    }
}
