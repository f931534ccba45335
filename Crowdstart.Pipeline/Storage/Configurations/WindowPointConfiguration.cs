using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class WindowPointConfiguration : IEntityTypeConfiguration<WindowPoint>
{
    public void Configure(EntityTypeBuilder<WindowPoint> b)
    {
        b.ToTable("metric_window_points");
        b.HasKey(x => new { x.CampaignId, x.WindowSeconds, x.Point, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.WindowSeconds).HasColumnName("window_seconds");
        b.Property(x => x.Point).HasColumnName("point");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.Visitors).HasColumnName("visitors");
        b.Property(x => x.Pledgers).HasColumnName("pledgers");
    }
}
