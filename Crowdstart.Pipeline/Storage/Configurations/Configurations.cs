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
        b.Property(x => x.Slug).HasColumnName("slug").HasMaxLength(80);
        b.HasIndex(x => x.Slug).IsUnique();
        b.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
        b.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength();
        b.Property(x => x.GoalAmount).HasColumnName("goal_amount").HasPrecision(18, 2);
        b.Property(x => x.LaunchAt).HasColumnName("launch_at");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
    }
}

internal sealed class IngestKeyConfiguration : IEntityTypeConfiguration<IngestKey>
{
    public void Configure(EntityTypeBuilder<IngestKey> b)
    {
        b.ToTable("ingest_keys");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Name).HasColumnName("name").HasMaxLength(100);
        b.Property(x => x.KeyHash).HasColumnName("key_hash");
        b.HasIndex(x => x.KeyHash).IsUnique();
        b.Property(x => x.Prefix).HasColumnName("prefix").HasMaxLength(20);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LogPartitionConfiguration : IEntityTypeConfiguration<LogPartition>
{
    public void Configure(EntityTypeBuilder<LogPartition> b)
    {
        b.ToTable("log_partitions");
        b.HasKey(x => x.Partition);
        b.Property(x => x.Partition).HasColumnName("partition").ValueGeneratedNever();
        b.Property(x => x.NextOffset).HasColumnName("next_offset");
    }
}

internal sealed class LogEntryConfiguration : IEntityTypeConfiguration<LogEntry>
{
    public void Configure(EntityTypeBuilder<LogEntry> b)
    {
        b.ToTable("event_log");
        b.HasKey(x => new { x.Partition, x.Offset });
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.Offset).HasColumnName("offset");
        b.Property(x => x.EventId).HasColumnName("event_id");
        // The idempotency key: a duplicate eventId of a campaign is stored once, whatever request or restart
        // it comes in. eventId leads so the writer's duplicate check (event_id = ANY(...)) uses the index.
        b.HasIndex(x => new { x.EventId, x.CampaignId }).IsUnique();
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.CustomerId).HasColumnName("customer_id");
        b.Property(x => x.SessionId).HasColumnName("session_id");
        b.Property(x => x.Type).HasColumnName("type");
        b.Property(x => x.OccurredAt).HasColumnName("occurred_at");
        b.Property(x => x.ReceivedAt).HasColumnName("received_at");
        b.Property(x => x.Source).HasColumnName("source");
        b.Property(x => x.Amount).HasColumnName("amount").HasPrecision(18, 2);
        b.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength();
        b.Property(x => x.Properties).HasColumnName("properties").HasColumnType("jsonb");
        b.HasIndex(x => new { x.CampaignId, x.OccurredAt });
    }
}

internal sealed class PartitionCheckpointConfiguration : IEntityTypeConfiguration<PartitionCheckpoint>
{
    public void Configure(EntityTypeBuilder<PartitionCheckpoint> b)
    {
        b.ToTable("partition_checkpoints");
        b.HasKey(x => x.Partition);
        b.Property(x => x.Partition).HasColumnName("partition").ValueGeneratedNever();
        b.Property(x => x.Offset).HasColumnName("offset");
        b.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}

internal sealed class MinuteRollupConfiguration : IEntityTypeConfiguration<MinuteRollup>
{
    public void Configure(EntityTypeBuilder<MinuteRollup> b)
    {
        b.ToTable("campaign_minute_rollups");
        b.HasKey(x => new { x.CampaignId, x.Minute, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Minute).HasColumnName("minute");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.PageViews).HasColumnName("page_views");
        b.Property(x => x.RewardViews).HasColumnName("reward_views");
        b.Property(x => x.CartsCreated).HasColumnName("carts_created");
        b.Property(x => x.CheckoutsStarted).HasColumnName("checkouts_started");
        b.Property(x => x.CheckoutsFailed).HasColumnName("checkouts_failed");
        b.Property(x => x.PledgesCompleted).HasColumnName("pledges_completed");
        b.Property(x => x.PledgesRefunded).HasColumnName("pledges_refunded");
        b.Property(x => x.UniqueCustomers).HasColumnName("unique_customers");
        b.Property(x => x.PledgedAmount).HasColumnName("pledged_amount").HasPrecision(18, 2);
        b.Property(x => x.RefundedAmount).HasColumnName("refunded_amount").HasPrecision(18, 2);
    }
}

internal sealed class MinuteCustomerConfiguration : IEntityTypeConfiguration<MinuteCustomer>
{
    public void Configure(EntityTypeBuilder<MinuteCustomer> b)
    {
        b.ToTable("campaign_minute_customers");
        b.HasKey(x => new { x.CampaignId, x.Minute, x.CustomerId });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Minute).HasColumnName("minute");
        b.Property(x => x.CustomerId).HasColumnName("customer_id");
    }
}

internal sealed class CampaignTotalConfiguration : IEntityTypeConfiguration<CampaignTotal>
{
    public void Configure(EntityTypeBuilder<CampaignTotal> b)
    {
        b.ToTable("campaign_partition_totals");
        b.HasKey(x => new { x.CampaignId, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.Events).HasColumnName("events");
        b.Property(x => x.PledgesCompleted).HasColumnName("pledges_completed");
        b.Property(x => x.PledgesRefunded).HasColumnName("pledges_refunded");
        b.Property(x => x.PledgedAmount).HasColumnName("pledged_amount").HasPrecision(18, 2);
        b.Property(x => x.RefundedAmount).HasColumnName("refunded_amount").HasPrecision(18, 2);
    }
}
