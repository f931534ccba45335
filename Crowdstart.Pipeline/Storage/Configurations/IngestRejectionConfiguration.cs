using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class IngestRejectionConfiguration : IEntityTypeConfiguration<IngestRejection>
{
    public void Configure(EntityTypeBuilder<IngestRejection> b)
    {
        b.ToTable("ingest_rejections");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.KeyId).HasColumnName("key_id");
        b.Property(x => x.ReceivedAt).HasColumnName("received_at");
        b.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(16);
        b.Property(x => x.EventName).HasColumnName("event_name").HasMaxLength(80);
        b.Property(x => x.Field).HasColumnName("field").HasMaxLength(100);
        b.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(300);
        b.HasIndex(x => new { x.CampaignId, x.Id });
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
