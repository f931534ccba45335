using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class MetricsRebuildConfiguration : IEntityTypeConfiguration<MetricsRebuild>
{
    public void Configure(EntityTypeBuilder<MetricsRebuild> b)
    {
        b.ToTable("metrics_rebuilds");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.HasIndex(x => new { x.CampaignId, x.RequestedAt });
        // At most one rebuild of a campaign waits or runs at a time.
        b.HasIndex(x => x.CampaignId).IsUnique().HasFilter("status IN ('queued', 'running')").HasDatabaseName("ix_metrics_rebuilds_active");
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
        b.Property(x => x.FunnelJson).HasColumnName("funnel").HasColumnType("jsonb");
        b.Property(x => x.CartWindowSeconds).HasColumnName("cart_window_seconds");
        b.Property(x => x.RequestedByUserId).HasColumnName("requested_by_user_id");
        b.Property(x => x.RequestedBy).HasColumnName("requested_by").HasMaxLength(256);
        b.Property(x => x.RequestedAt).HasColumnName("requested_at");
        b.Property(x => x.StartedAt).HasColumnName("started_at");
        b.Property(x => x.HeartbeatAt).HasColumnName("heartbeat_at");
        b.Property(x => x.FinishedAt).HasColumnName("finished_at");
        b.Property(x => x.CustomersTotal).HasColumnName("customers_total");
        b.Property(x => x.CustomersDone).HasColumnName("customers_done");
        b.Property(x => x.Events).HasColumnName("events");
        b.Property(x => x.Error).HasColumnName("error").HasMaxLength(2000);
    }
}

internal sealed class ShareLinkConfiguration : IEntityTypeConfiguration<ShareLink>
{
    public void Configure(EntityTypeBuilder<ShareLink> b)
    {
        b.ToTable("share_links");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.HasIndex(x => x.CampaignId);
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.TokenHash).HasColumnName("token_hash");
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.Property(x => x.Label).HasColumnName("label").HasMaxLength(100);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.CreatedByUserId).HasColumnName("created_by_user_id");
        b.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        b.Property(x => x.RevokedByUserId).HasColumnName("revoked_by_user_id");
        b.Property(x => x.Views).HasColumnName("views");
        b.Property(x => x.LastViewedAt).HasColumnName("last_viewed_at");
    }
}
