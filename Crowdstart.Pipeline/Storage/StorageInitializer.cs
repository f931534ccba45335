using Crowdstart.Pipeline.Log;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Storage;

/// <summary>Applies migrations and creates the log's partition and checkpoint rows.</summary>
public static class StorageInitializer
{
    /// <summary>Migrates the database and makes sure the configured partitions exist (and match).</summary>
    public static async Task InitializeAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await EnsureDatabaseAsync(services.GetRequiredService<NpgsqlDataSource>().ConnectionString, ct);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrowdstartDbContext>();
            // On a fresh database EF would first query the missing history table and log that as an error.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
            // Some migrations recompute stored metrics from the log, which takes longer than the default 30 s on a
            // deployed database; the app is not serving until they are done anyway.
            db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
            await db.Database.MigrateAsync(ct);
        }
        var log = services.GetRequiredService<IOptions<LogOptions>>().Value;
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await EnsurePartitionsAsync(dataSource, log.PartitionCount, log.Engine, ct);
        await TimeSeriesPartitions.EnsureAsync(dataSource, services.GetRequiredService<TimeProvider>().GetUtcNow(), ct: ct);
    }

    /// <summary>Creates the database named in the connection string when the server does not have it yet.</summary>
    public static async Task EnsureDatabaseAsync(string connectionString, CancellationToken ct = default)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = target.Database ?? throw new InvalidOperationException("The connection string names no database.");
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @d", connection);
        exists.Parameters.AddWithValue("d", database);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", connection);
            try
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another process created it first.
            }
        }
    }

    /// <summary>
    /// Creates partition rows 0..n-1; refuses to run against a log created with another count, or against a log whose
    /// checkpoints were moved by the other engine (its positions mean nothing to this one).
    /// </summary>
    public static async Task EnsurePartitionsAsync(NpgsqlDataSource dataSource, int partitionCount, LogEngine engine = LogEngine.Postgres,
        CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Serialise concurrent start-ups, then count before creating anything: only an empty log takes a new count.
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE log_partitions IN EXCLUSIVE MODE", connection, tx))
        {
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        await using (var count = new NpgsqlCommand("SELECT count(*)::int FROM log_partitions", connection, tx))
        {
            var existing = (int)(await count.ExecuteScalarAsync(ct))!;
            if (existing != 0 && existing != partitionCount)
            {
                throw new InvalidOperationException(
                    $"Log:PartitionCount is {partitionCount} but the event log was created with {existing} partitions; " +
                    $"a customer's partition must not change, so set it back to {existing}.");
            }
        }
        var name = engine.ToString().ToLowerInvariant();
        await using (var other = new NpgsqlCommand(
            """
            SELECT p.engine FROM log_partitions p JOIN partition_checkpoints c USING (partition)
            WHERE p.engine <> @e AND (c."offset" > 0 OR p.next_offset > 1) LIMIT 1
            """, connection, tx))
        {
            other.Parameters.AddWithValue("e", name);
            if (await other.ExecuteScalarAsync(ct) is string used)
            {
                throw new InvalidOperationException(
                    $"Log:Engine is {engine} but this database's log was written and processed by the {used} engine; checkpoints of one " +
                    $"engine mean nothing to the other, so keep Log:Engine at {used} for this database (or start from an empty one).");
            }
        }
        await using (var create = new NpgsqlCommand(
            """
            UPDATE log_partitions SET engine = @e WHERE engine <> @e;
            INSERT INTO log_partitions (partition, next_offset, engine) SELECT g, 1, @e FROM generate_series(0, @n - 1) g ON CONFLICT DO NOTHING;
            INSERT INTO partition_checkpoints (partition, "offset", updated_at) SELECT g, 0, now() FROM generate_series(0, @n - 1) g ON CONFLICT DO NOTHING;
            """, connection, tx))
        {
            create.Parameters.AddWithValue("n", partitionCount);
            create.Parameters.AddWithValue("e", name);
            await create.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
