using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Crowdstart.Pipeline.Storage;

/// <summary>
/// The relational model: accounts (ASP.NET Core Identity), organisations, campaigns, ingest keys, the event log,
/// checkpoints, rollups, data-access grants and the audit log; and the web app's data-protection keys, so every
/// instance reads the cookies and antiforgery tokens the others issued.
/// </summary>
public sealed class CrowdstartDbContext(DbContextOptions<CrowdstartDbContext> options)
    : IdentityDbContext<CrowdstartUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<OrganisationMember> OrganisationMembers => Set<OrganisationMember>();
    public DbSet<DataAccessGrant> DataAccessGrants => Set<DataAccessGrant>();
    public DbSet<DataAccessRequest> DataAccessRequests => Set<DataAccessRequest>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertWebhook> AlertWebhooks => Set<AlertWebhook>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<AlertMute> AlertMutes => Set<AlertMute>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<IngestKey> IngestKeys => Set<IngestKey>();
    public DbSet<IngestRejection> IngestRejections => Set<IngestRejection>();
    public DbSet<SegmentEventMapping> SegmentEventMappings => Set<SegmentEventMapping>();
    public DbSet<PersonalToken> PersonalTokens => Set<PersonalToken>();
    public DbSet<RecentQuery> RecentQueries => Set<RecentQuery>();
    public DbSet<LogPartition> LogPartitions => Set<LogPartition>();
    public DbSet<LogEntry> EventLog => Set<LogEntry>();
    public DbSet<PartitionCheckpoint> PartitionCheckpoints => Set<PartitionCheckpoint>();
    public DbSet<MinuteRollup> MinuteRollups => Set<MinuteRollup>();
    public DbSet<CampaignTotal> CampaignTotals => Set<CampaignTotal>();
    public DbSet<WindowPoint> WindowPoints => Set<WindowPoint>();
    public DbSet<EventCount> EventCounts => Set<EventCount>();
    public DbSet<FunnelStepCount> FunnelSteps => Set<FunnelStepCount>();
    public DbSet<CohortCell> Cohorts => Set<CohortCell>();
    public DbSet<CohortReturn> CohortReturns => Set<CohortReturn>();
    public DbSet<CartMinute> CartMinutes => Set<CartMinute>();
    public DbSet<CartCompletion> CartCompletions => Set<CartCompletion>();
    public DbSet<ForecastPoint> Forecasts => Set<ForecastPoint>();
    public DbSet<RecommendationDismissal> RecommendationDismissals => Set<RecommendationDismissal>();
    public DbSet<MetricsRebuild> MetricsRebuilds => Set<MetricsRebuild>();
    public DbSet<ShareLink> ShareLinks => Set<ShareLink>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // Identity's tables, named like the rest of the schema.
        modelBuilder.Entity<CrowdstartUser>().ToTable("users");
        modelBuilder.Entity<CrowdstartUser>().Property(u => u.DisplayName).HasMaxLength(200);
        modelBuilder.Entity<IdentityRole<Guid>>().ToTable("roles");
        modelBuilder.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        modelBuilder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        modelBuilder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        modelBuilder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        modelBuilder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
        modelBuilder.Entity<DataProtectionKey>(b =>
        {
            b.ToTable("data_protection_keys");
            b.Property(x => x.Id).HasColumnName("id");
            b.Property(x => x.FriendlyName).HasColumnName("friendly_name");
            b.Property(x => x.Xml).HasColumnName("xml");
        });
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CrowdstartDbContext).Assembly);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the app.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CrowdstartDbContext>
{
    public CrowdstartDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CrowdstartDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=crowdstart_design")
            .Options);
}
