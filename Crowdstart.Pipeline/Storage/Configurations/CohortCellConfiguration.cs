using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class CohortCellConfiguration : IEntityTypeConfiguration<CohortCell>
{
    public void Configure(EntityTypeBuilder<CohortCell> b)
    {
        b.ToTable("metric_cohorts");
        b.HasKey(x => new { x.CampaignId, x.CohortHour, x.Source, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.CohortHour).HasColumnName("cohort_hour");
        b.Property(x => x.Source).HasColumnName("source");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.Customers).HasColumnName("customers");
        b.Property(x => x.Returned).HasColumnName("returned");
    }
}
