using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class ForecastPointConfiguration : IEntityTypeConfiguration<ForecastPoint>
{
    public void Configure(EntityTypeBuilder<ForecastPoint> b)
    {
        b.ToTable("campaign_forecasts");
        b.HasKey(x => new { x.CampaignId, x.ComputedAt });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.ComputedAt).HasColumnName("computed_at");
        b.Property(x => x.Elapsed).HasColumnName("elapsed");
        b.Property(x => x.Pledged).HasColumnName("pledged").HasPrecision(18, 2);
        b.Property(x => x.ProjectedTotal).HasColumnName("projected_total").HasPrecision(18, 2);
        b.Property(x => x.Low).HasColumnName("low").HasPrecision(18, 2);
        b.Property(x => x.High).HasColumnName("high").HasPrecision(18, 2);
        b.Property(x => x.Probability).HasColumnName("probability");
        b.Property(x => x.GoalReachedAt).HasColumnName("goal_reached_at");
        b.Property(x => x.Basis).HasColumnName("basis").HasMaxLength(20);
        b.Property(x => x.InputsJson).HasColumnName("inputs").HasColumnType("jsonb");
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
