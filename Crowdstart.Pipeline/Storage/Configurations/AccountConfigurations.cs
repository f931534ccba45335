using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> b)
    {
        b.ToTable("organisations");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.Slug).HasColumnName("slug").HasMaxLength(80);
        b.HasIndex(x => x.Slug).IsUnique();
        b.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.RawEventRetentionDays).HasColumnName("raw_event_retention_days");
        b.Property(x => x.CustomerDataRetentionDays).HasColumnName("customer_data_retention_days");
        b.Property(x => x.AggregateRetentionDays).HasColumnName("aggregate_retention_days");
    }
}

internal sealed class OrganisationMemberConfiguration : IEntityTypeConfiguration<OrganisationMember>
{
    public void Configure(EntityTypeBuilder<OrganisationMember> b)
    {
        b.ToTable("organisation_members");
        b.HasKey(x => new { x.OrganisationId, x.UserId });
        b.Property(x => x.OrganisationId).HasColumnName("organisation_id");
        b.Property(x => x.UserId).HasColumnName("user_id");
        b.HasIndex(x => x.UserId);
        b.Property(x => x.AddedAt).HasColumnName("added_at");
        b.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<CrowdstartUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DataAccessGrantConfiguration : IEntityTypeConfiguration<DataAccessGrant>
{
    public void Configure(EntityTypeBuilder<DataAccessGrant> b)
    {
        b.ToTable("data_access_grants");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.UserId).HasColumnName("user_id");
        b.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(500);
        b.Property(x => x.GrantedByUserId).HasColumnName("granted_by_user_id");
        b.Property(x => x.GrantedAt).HasColumnName("granted_at");
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        b.Property(x => x.RevokedByUserId).HasColumnName("revoked_by_user_id");
        b.Property(x => x.RequestId).HasColumnName("request_id");
        b.HasIndex(x => new { x.UserId, x.CampaignId, x.ExpiresAt });
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<CrowdstartUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DataAccessRequestConfiguration : IEntityTypeConfiguration<DataAccessRequest>
{
    public void Configure(EntityTypeBuilder<DataAccessRequest> b)
    {
        b.ToTable("data_access_requests");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.UserId).HasColumnName("user_id");
        b.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(500);
        b.Property(x => x.RequestedAt).HasColumnName("requested_at");
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(20);
        b.HasIndex(x => x.Status);
        b.Property(x => x.DecidedByUserId).HasColumnName("decided_by_user_id");
        b.Property(x => x.DecidedAt).HasColumnName("decided_at");
        b.Property(x => x.DecisionNote).HasColumnName("decision_note").HasMaxLength(500);
        b.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<CrowdstartUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        // No foreign keys on purpose: the audit trail outlives the users, grants and campaigns it mentions.
        b.ToTable("audit_log");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(x => x.At).HasColumnName("at");
        b.HasIndex(x => x.At);
        b.Property(x => x.ActorUserId).HasColumnName("actor_user_id");
        b.Property(x => x.ActorName).HasColumnName("actor_name").HasMaxLength(256);
        b.Property(x => x.Action).HasColumnName("action").HasMaxLength(60);
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.HasIndex(x => new { x.CampaignId, x.At });
        b.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
        b.Property(x => x.GrantId).HasColumnName("grant_id");
        b.Property(x => x.Details).HasColumnName("details").HasMaxLength(2000);
    }
}

internal sealed class PersonalTokenConfiguration : IEntityTypeConfiguration<PersonalToken>
{
    public void Configure(EntityTypeBuilder<PersonalToken> b)
    {
        b.ToTable("personal_tokens");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.UserId).HasColumnName("user_id");
        b.HasIndex(x => x.UserId);
        b.Property(x => x.Name).HasColumnName("name").HasMaxLength(100);
        b.Property(x => x.TokenHash).HasColumnName("token_hash");
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.Property(x => x.Prefix).HasColumnName("prefix").HasMaxLength(20);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.LastUsedAt).HasColumnName("last_used_at");
        b.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        b.Property(x => x.SecurityStamp).HasColumnName("security_stamp").HasMaxLength(256);
        // Deleting an account takes its tokens with it.
        b.HasOne<CrowdstartUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RecentQueryConfiguration : IEntityTypeConfiguration<RecentQuery>
{
    public void Configure(EntityTypeBuilder<RecentQuery> b)
    {
        b.ToTable("recent_queries");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.UserId).HasColumnName("user_id");
        b.Property(x => x.Form).HasColumnName("form").HasMaxLength(8000);
        b.Property(x => x.Summary).HasColumnName("summary").HasMaxLength(400);
        b.Property(x => x.RanAt).HasColumnName("ran_at");
        b.HasIndex(x => new { x.UserId, x.RanAt });
        b.HasOne<CrowdstartUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
