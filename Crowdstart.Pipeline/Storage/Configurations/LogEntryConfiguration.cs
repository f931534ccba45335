using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

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
        // The explorer's access path: every query names its campaigns and event types (all types when none is
        // chosen), so PostgreSQL seeks one (campaign, type) time range per type; the included columns answer
        // queries on source, amount and customers from the index alone (index-only scans on the append-only log).
        b.HasIndex(x => new { x.CampaignId, x.Type, x.OccurredAt }, "IX_event_log_explore")
            .IncludeProperties(x => new { x.Source, x.Amount, x.CustomerId });
        // The metrics re-read a touched customer's whole history every batch.
        b.HasIndex(x => new { x.CampaignId, x.CustomerId });
    }
}
