using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> b)
    {
        b.ToTable("alerts");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Detector).HasColumnName("detector").HasMaxLength(60);
        b.Property(x => x.Scope).HasColumnName("scope").HasMaxLength(300);
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(20);
        b.Property(x => x.Severity).HasColumnName("severity").HasMaxLength(20);
        b.Property(x => x.Message).HasColumnName("message").HasMaxLength(1000);
        b.Property(x => x.Value).HasColumnName("value");
        b.Property(x => x.BaselineLow).HasColumnName("baseline_low");
        b.Property(x => x.BaselineHigh).HasColumnName("baseline_high");
        b.Property(x => x.OpenedAt).HasColumnName("opened_at");
        b.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        b.Property(x => x.AcknowledgedAt).HasColumnName("acknowledged_at");
        b.Property(x => x.AcknowledgedByUserId).HasColumnName("acknowledged_by_user_id");
        b.Property(x => x.AcknowledgedBy).HasColumnName("acknowledged_by").HasMaxLength(256);
        b.Property(x => x.ResolvedAt).HasColumnName("resolved_at");
        b.Property(x => x.ResolvedBy).HasColumnName("resolved_by").HasMaxLength(256);
        b.Property(x => x.MutedUntil).HasColumnName("muted_until");
        b.HasIndex(x => new { x.CampaignId, x.OpenedAt });
        // The database keeps the promise of one live alert per detector and scope, whatever the app does.
        b.HasIndex(x => new { x.CampaignId, x.Detector, x.Scope }).IsUnique().HasFilter("status <> 'resolved'").HasDatabaseName("ux_alerts_live");
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AlertWebhookConfiguration : IEntityTypeConfiguration<AlertWebhook>
{
    public void Configure(EntityTypeBuilder<AlertWebhook> b)
    {
        b.ToTable("alert_webhooks");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Url).HasColumnName("url").HasMaxLength(2000);
        b.Property(x => x.Secret).HasColumnName("secret").HasMaxLength(100);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.CreatedByUserId).HasColumnName("created_by_user_id");
        b.Property(x => x.DeletedAt).HasColumnName("deleted_at");
        b.Property(x => x.Format).HasColumnName("format").HasMaxLength(20).HasDefaultValue("json");
        b.HasIndex(x => x.CampaignId);
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(x => x.WebhookId).HasColumnName("webhook_id");
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.AlertId).HasColumnName("alert_id");
        b.Property(x => x.Event).HasColumnName("event").HasMaxLength(40);
        b.Property(x => x.Payload).HasColumnName("payload").HasColumnType("jsonb");
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(20);
        b.Property(x => x.Attempts).HasColumnName("attempts");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
        b.Property(x => x.DeliveredAt).HasColumnName("delivered_at");
        b.Property(x => x.LastStatusCode).HasColumnName("last_status_code");
        b.Property(x => x.LastError).HasColumnName("last_error").HasMaxLength(1000);
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.HasIndex(x => new { x.CampaignId, x.CreatedAt });
        b.HasOne<AlertWebhook>().WithMany().HasForeignKey(x => x.WebhookId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AlertMuteConfiguration : IEntityTypeConfiguration<AlertMute>
{
    public void Configure(EntityTypeBuilder<AlertMute> b)
    {
        b.ToTable("alert_mutes");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.StartsAt).HasColumnName("starts_at");
        b.Property(x => x.EndsAt).HasColumnName("ends_at");
        b.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(200);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.CreatedByUserId).HasColumnName("created_by_user_id");
        b.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
        b.Property(x => x.EndedAt).HasColumnName("ended_at");
        b.Property(x => x.EndedBy).HasColumnName("ended_by").HasMaxLength(256);
        b.HasIndex(x => new { x.CampaignId, x.EndsAt });
        b.ToTable(t => t.HasCheckConstraint("ck_alert_mutes_period", "ends_at > starts_at"));
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
