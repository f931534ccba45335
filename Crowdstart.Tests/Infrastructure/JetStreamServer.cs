using System.Net.Sockets;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// The NATS JetStream server the JetStream variants of the log tests run against (started by scripts/test.sh, one
/// node on loopback). Like <see cref="PostgresServer"/>, a missing server fails the tests with the reason instead of
/// skipping them, and at once: the client itself would keep retrying its first connection until each test timed out.
/// </summary>
public static class JetStreamServer
{
    public const string EnvironmentVariable = "CROWDSTART_TEST_NATS";

    private static readonly Lazy<string> Checked = new(Check);

    /// <summary>The server URL(s), comma-separated, once the first of them has accepted a connection.</summary>
    public static string Url => Checked.Value;

    private static string Check()
    {
        var url = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } set
            ? set
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests with scripts/test.sh, which starts a JetStream server, or point " +
                $"{EnvironmentVariable} at one, e.g. 'nats://127.0.0.1:55422' (nats-server -js); scripts/test.sh --fast runs only the " +
                "tests that need no server.");
        var first = new Uri(url.Split(',')[0].Trim());
        try
        {
            using var client = new TcpClient();
            if (!client.ConnectAsync(first.Host, first.Port).Wait(TimeSpan.FromSeconds(5)))
            {
                throw new TimeoutException("no answer within 5 s");
            }
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or AggregateException)
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is {url}, but nothing accepts connections at {first.Host}:{first.Port} ({ex.GetBaseException().Message}). " +
                "Start one with scripts/nats.sh (scripts/test.sh does).", ex);
        }
        return url;
    }
}
