using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class CohortReturnConfiguration : IEntityTypeConfiguration<CohortReturn>
{
    public void Configure(EntityTypeBuilder<CohortReturn> b)
    {
        b.ToTable("metric_cohort_returns");
        b.HasKey(x => new { x.CampaignId, x.CohortHour, x.Source, x.HoursSince, x.Partition });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.CohortHour).HasColumnName("cohort_hour");
        b.Property(x => x.Source).HasColumnName("source");
        b.Property(x => x.HoursSince).HasColumnName("hours_since");
        b.Property(x => x.Partition).HasColumnName("partition");
        b.Property(x => x.Customers).HasColumnName("customers");
    }
}
