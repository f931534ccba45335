using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> b)
    {
        b.ToTable("campaigns");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.OrganisationId).HasColumnName("organisation_id");
        b.HasIndex(x => x.OrganisationId);
        b.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.Slug).HasColumnName("slug").HasMaxLength(80);
        b.HasIndex(x => x.Slug).IsUnique();
        b.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
        b.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength();
        b.Property(x => x.GoalAmount).HasColumnName("goal_amount").HasPrecision(18, 2);
        b.Property(x => x.LaunchAt).HasColumnName("launch_at");
        b.Property(x => x.EndAt).HasColumnName("end_at");
        b.Property(x => x.FunnelJson).HasColumnName("funnel").HasColumnType("jsonb");
        b.Property(x => x.CartWindowSeconds).HasColumnName("cart_window_seconds");
        b.Property(x => x.AllowedLatenessSeconds).HasColumnName("allowed_lateness_seconds");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.AlertSettingsJson).HasColumnName("alert_settings").HasColumnType("jsonb");
        b.Property(x => x.TimeZone).HasColumnName("time_zone").HasMaxLength(64);
        b.Property(x => x.ArchivedAt).HasColumnName("archived_at");
        b.Property(x => x.CreatedByUserId).HasColumnName("created_by_user_id");
    }
}
