using Crowdstart.Pipeline.Privacy;
using Crowdstart.Pipeline.Retention;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Tests.Privacy;

/// <summary>With several app instances, one retention sweep runs at a time.</summary>
[Layer(TestLayer.Database)]
public sealed class RetentionServiceTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private RetentionService NewService()
    {
        var svc = new AccountServices(db);
        var enforcer = new RetentionEnforcer(db.DataSource, db.Contexts, svc.Organisations, svc.Audit, Options.Create(new RetentionOptions()),
            TimeProvider.System, NullLogger<RetentionEnforcer>.Instance);
        return new RetentionService(enforcer, db.DataSource, Options.Create(new RetentionOptions()), TimeProvider.System, NullLogger<RetentionService>.Instance);
    }

    [Fact]
    public async Task SweepOnceAsync_AnotherInstanceSweeping_SkipsAndRunsOnceItIsDone()
    {
        // Arrange: another instance's sweep holds the lock
        var service = NewService();
        await using var other = await db.DataSource.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({RetentionService.SweepLock})", other))
        {
            await take.ExecuteNonQueryAsync();
        }

        // Act
        var whileHeld = await service.SweepOnceAsync(default);
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({RetentionService.SweepLock})", other))
        {
            await release.ExecuteNonQueryAsync();
        }
        var afterwards = await service.SweepOnceAsync(default);

        // Assert
        Assert.False(whileHeld);
        Assert.True(afterwards);
    }
}
