using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// A fresh, migrated database for one test class (xunit class fixture), dropped afterwards, so test
/// classes running in parallel never see each other's data.
/// </summary>
public class TestDatabase : IAsyncLifetime
{
    public virtual int PartitionCount => 4;

    public string Name { get; } = "cs_test_" + Guid.NewGuid().ToString("N")[..12];
    public string ConnectionString => PostgresServer.For(Name);
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public IDbContextFactory<CrowdstartDbContext> Contexts { get; private set; } = null!;
    public CampaignStore Campaigns { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await StorageInitializer.EnsureDatabaseAsync(ConnectionString);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Contexts = new ContextFactory(new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(DataSource).Options);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }
        await StorageInitializer.EnsurePartitionsAsync(DataSource, PartitionCount);
        await TimeSeriesPartitions.EnsureAsync(DataSource, DateTimeOffset.UtcNow);
        Campaigns = new CampaignStore(Contexts, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await using var admin = new NpgsqlConnection(PostgresServer.For("postgres") + ";Pooling=false");
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a scalar query.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private sealed class ContextFactory(DbContextOptions<CrowdstartDbContext> options) : IDbContextFactory<CrowdstartDbContext>
    {
        public CrowdstartDbContext CreateDbContext() => new(options);
    }
}
