using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class RecommendationDismissalConfiguration : IEntityTypeConfiguration<RecommendationDismissal>
{
    public void Configure(EntityTypeBuilder<RecommendationDismissal> b)
    {
        b.ToTable("recommendation_dismissals");
        // The page reads a campaign's few rows every few seconds: the key is the whole access path.
        b.HasKey(x => new { x.CampaignId, x.RuleKey });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.RuleKey).HasColumnName("rule_key").HasMaxLength(40);
        b.Property(x => x.Subject).HasColumnName("subject").HasMaxLength(500);
        b.Property(x => x.Value).HasColumnName("value");
        b.Property(x => x.DismissedAt).HasColumnName("dismissed_at");
        b.Property(x => x.DismissedByUserId).HasColumnName("dismissed_by_user_id");
        b.Property(x => x.DismissedBy).HasColumnName("dismissed_by").HasMaxLength(256);
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
