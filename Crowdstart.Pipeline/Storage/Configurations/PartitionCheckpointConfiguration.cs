using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

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
