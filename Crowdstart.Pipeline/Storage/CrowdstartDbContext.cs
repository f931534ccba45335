using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Crowdstart.Pipeline.Storage;

/// <summary>The relational model: campaigns, ingest keys, the event log, checkpoints and rollups.</summary>
public sealed class CrowdstartDbContext(DbContextOptions<CrowdstartDbContext> options) : DbContext(options)
{
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<IngestKey> IngestKeys => Set<IngestKey>();
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

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CrowdstartDbContext).Assembly);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the app.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CrowdstartDbContext>
{
    public CrowdstartDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CrowdstartDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=crowdstart_design")
            .Options);
}
