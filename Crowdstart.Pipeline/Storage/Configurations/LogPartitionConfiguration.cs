using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class LogPartitionConfiguration : IEntityTypeConfiguration<LogPartition>
{
    public void Configure(EntityTypeBuilder<LogPartition> b)
    {
        b.ToTable("log_partitions");
        b.HasKey(x => x.Partition);
        b.Property(x => x.Partition).HasColumnName("partition").ValueGeneratedNever();
        b.Property(x => x.NextOffset).HasColumnName("next_offset");
        b.Property(x => x.Engine).HasColumnName("engine").HasDefaultValue("postgres");
    }
}
