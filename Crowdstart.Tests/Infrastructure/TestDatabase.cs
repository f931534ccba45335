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

    /// <summary>The log engine this database's <see cref="Log"/> runs on.</summary>
    public virtual Crowdstart.Pipeline.Log.LogEngine Engine => Crowdstart.Pipeline.Log.LogEngine.Postgres;

    private TestLog? _log;

    /// <summary>The log over this database, on <see cref="Engine"/>.</summary>
    public TestLog Log => _log ??= new TestLog(this);

    public string Name { get; } = "cs_test_" + Guid.NewGuid().ToString("N")[..12];
    public string ConnectionString => PostgresServer.For(Name);
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public IDbContextFactory<CrowdstartDbContext> Contexts { get; private set; } = null!;
    public CampaignStore Campaigns { get; private set; } = null!;

    /// <summary>An organisation created with the database, for campaigns whose owner does not matter to a test.</summary>
    public Guid OrganisationId { get; } = Guid.NewGuid();

    public async Task InitializeAsync()
    {
        await StorageInitializer.EnsureDatabaseAsync(ConnectionString);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Contexts = new ContextFactory(new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(DataSource).Options);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }
        await StorageInitializer.EnsurePartitionsAsync(DataSource, PartitionCount, Engine);
        await TimeSeriesPartitions.EnsureAsync(DataSource, DateTimeOffset.UtcNow);
        Campaigns = new CampaignStore(Contexts, TimeProvider.System);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            db.Organisations.Add(new Crowdstart.Pipeline.Storage.Entities.Organisation
            {
                Id = OrganisationId, Slug = "test-org-" + Name, Name = "Test organisation", CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
        await DataSource.DisposeAsync();
        await using var admin = new NpgsqlConnection(PostgresServer.For("postgres") + ";Pooling=false");
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Adds a user (no password; tests act for it through <see cref="Crowdstart.Pipeline.Accounts.Actor"/>), optionally in an organisation.</summary>
    public async Task<Guid> CreateUserAsync(string email, Guid? organisationId = null)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        var user = new Crowdstart.Pipeline.Storage.Entities.CrowdstartUser
        {
            Id = Guid.NewGuid(), UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email,
            NormalizedEmail = email.ToUpperInvariant(), DisplayName = email, SecurityStamp = Guid.NewGuid().ToString(), CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Users.Add(user);
        if (organisationId is { } org)
        {
            db.OrganisationMembers.Add(new Crowdstart.Pipeline.Storage.Entities.OrganisationMember { OrganisationId = org, UserId = user.Id, AddedAt = DateTimeOffset.UtcNow });
        }
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>Adds an organisation.</summary>
    public async Task<Guid> CreateOrganisationAsync(string name)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        var org = new Crowdstart.Pipeline.Storage.Entities.Organisation
        {
            Id = Guid.NewGuid(), Slug = "org-" + Guid.NewGuid().ToString("N")[..10], Name = name, CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Organisations.Add(org);
        await db.SaveChangesAsync();
        return org.Id;
    }

    /// <summary>Runs a scalar query.</summary>
    /// <summary>Events appended to the log and not yet processed, over every partition.</summary>
    public Task<long> LagAsync() => ScalarAsync<long>(
        "SELECT coalesce(sum(p.next_offset - 1 - c.\"offset\"), 0)::bigint FROM log_partitions p JOIN partition_checkpoints c USING (partition)");

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
