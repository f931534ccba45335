namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// The NATS JetStream server the JetStream variants of the log tests run against (started by scripts/test.sh, one
/// node on loopback). Like <see cref="PostgresServer"/>, a missing server fails the tests with the reason instead of
/// skipping them.
/// </summary>
public static class JetStreamServer
{
    public const string EnvironmentVariable = "CROWDSTART_TEST_NATS";

    /// <summary>The server URL(s), comma-separated.</summary>
    public static string Url =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests with scripts/test.sh, which starts a JetStream server, or point " +
                $"{EnvironmentVariable} at one, e.g. 'nats://127.0.0.1:55422' (nats-server -js); scripts/test.sh --fast runs only the " +
                "tests that need no server.");
}
