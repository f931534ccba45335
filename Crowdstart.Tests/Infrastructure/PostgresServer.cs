using Npgsql;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests run against (started by scripts/test.sh). Without one, the Database, App,
/// Browser and Fault layers fail with the message below rather than skip: a skip would let CI go green over a broken
/// set-up. <c>scripts/test.sh --fast</c> runs the layers that need no server.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "CROWDSTART_TEST_PG";

    /// <summary>Connection string of the server, without a database.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests with scripts/test.sh, which starts a PostgreSQL cluster, " +
                $"or point {EnvironmentVariable} at a server, e.g. 'Host=127.0.0.1;Port=55433;Username=postgres'; " +
                "scripts/test.sh --fast runs only the tests that need no database and no browser.");

    /// <summary>Connection string for <paramref name="database"/> on the test server.</summary>
    public static string For(string database) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;
}
