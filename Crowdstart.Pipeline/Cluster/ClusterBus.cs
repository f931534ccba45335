using System.Text;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crowdstart.Pipeline.Cluster;

/// <summary>
/// Small notifications between the app instances that share one PostgreSQL, over <c>LISTEN/NOTIFY</c> on
/// <see cref="Channel"/>: "campaign X's rollups changed", "an alert of X changed", "ingest keys were revoked".
/// One listener connection per process, re-opened when it drops. Messages are addressed by topic; the payload is
/// <c>origin:topic:m:body</c> (or <c>origin:topic:r</c>, "anything may have changed"), at most
/// <see cref="MaxPayloadBytes"/>. A process ignores its own messages: the feeds deliver to their local subscribers
/// directly and use the bus only to tell the other instances.
/// <para>
/// NOTIFYs sent while a listener is disconnected are lost, so after every reconnect each subscriber's resync
/// callback runs ("anything may have changed": re-read everything, drop caches). A body too large for one NOTIFY
/// is sent as a resync of its topic instead.
/// </para>
/// </summary>
public sealed class ClusterBus(NpgsqlDataSource dataSource, ILogger<ClusterBus> logger) : BackgroundService
{
    /// <summary>The PostgreSQL channel every instance LISTENs on.</summary>
    public const string Channel = "crowdstart_cluster";

    /// <summary>Largest payload sent (PostgreSQL refuses more than 8000 bytes).</summary>
    public const int MaxPayloadBytes = 7900;

    private const int OutboxCapacity = 10_000;
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];
    private readonly Channel<string> _outbox = System.Threading.Channels.Channel.CreateBounded<string>(
        new BoundedChannelOptions(OutboxCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private volatile bool _listening;
    private int _listenerProcessId;

    /// <summary>This process's id in payloads; messages carrying it are not delivered here.</summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N");

    /// <summary>True while the listener connection is open and LISTENing (notifications from others arrive).</summary>
    public bool IsListening => _listening;

    /// <summary>The PostgreSQL backend pid of the listener connection (0 when not connected), for diagnostics.</summary>
    public int ListenerProcessId => Volatile.Read(ref _listenerProcessId);

    /// <summary>
    /// Calls <paramref name="onMessage"/> with the body of every <paramref name="topic"/> message another instance
    /// sends, and <paramref name="onResync"/> when messages may have been missed. Both run on the listener's thread:
    /// keep them short and hand real work off. Dispose the result to unsubscribe.
    /// </summary>
    public IDisposable Subscribe(string topic, Action<string> onMessage, Action onResync)
    {
        RequireTopic(topic);
        var subscription = new Subscription(this, topic, onMessage, onResync);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }
        return subscription;
    }

    /// <summary>
    /// Tells the other instances about a change that is already committed (or needs no transaction). Queued and sent
    /// in the background, so the caller never waits for the database.
    /// </summary>
    public void Post(string topic, string body) => _outbox.Writer.TryWrite(Payload(topic, body));

    /// <summary>
    /// Tells the other instances about a change in <paramref name="database"/>'s open transaction: PostgreSQL delivers
    /// the NOTIFY only if (and when) that transaction commits. Call it before the commit.
    /// </summary>
    public async Task SendAsync(DatabaseFacade database, string topic, string body, CancellationToken ct = default)
    {
        if (database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("SendAsync needs an open transaction; use Post for changes already committed.");
        }
        var payload = Payload(topic, body);
        await database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {payload})", ct);
    }

    /// <summary>The NOTIFY payload for a message (a resync of the topic when the body is too large).</summary>
    internal string Payload(string topic, string body)
    {
        RequireTopic(topic);
        var payload = $"{Origin}:{topic}:m:{body}";
        return Encoding.UTF8.GetByteCount(payload) <= MaxPayloadBytes ? payload : $"{Origin}:{topic}:r";
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SendLoopAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken ct)
    {
        var connectedBefore = false;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, e) => Deliver(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }
                Volatile.Write(ref _listenerProcessId, connection.ProcessID);
                _listening = true;
                failures = 0;
                // Whatever was sent while this process was not listening is lost: subscribers assume the worst.
                if (connectedBefore)
                {
                    logger.LogInformation("Cluster LISTEN connection re-established; subscribers resync");
                    ResyncAll();
                }
                connectedBefore = true;
                while (!ct.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(Liveness, ct))
                    {
                        // Quiet for a while: make sure the connection is alive rather than silently half-open.
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _listening = false;
                Volatile.Write(ref _listenerProcessId, 0);
                // A first connection that failed means this process may have missed messages too.
                connectedBefore = true;
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxReconnectDelay.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures - 1, 5))));
                logger.LogWarning(ex, "Cluster LISTEN connection lost; reconnecting in {Delay}", delay);
                try
                {
                    await Task.Delay(delay, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                _listening = false;
                Volatile.Write(ref _listenerProcessId, 0);
            }
        }
    }

    private async Task SendLoopAsync(CancellationToken ct)
    {
        var reader = _outbox.Reader;
        var pending = new List<string>();
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                // Everything queued meanwhile goes in one round trip; identical messages once.
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (pending.Count < 200 && reader.TryRead(out var payload))
                {
                    if (seen.Add(payload))
                    {
                        pending.Add(payload);
                    }
                }
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await using var batch = dataSource.CreateBatch();
                        foreach (var payload in pending)
                        {
                            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)")
                            {
                                Parameters = { new NpgsqlParameter { Value = Channel }, new NpgsqlParameter { Value = payload } },
                            });
                        }
                        await batch.ExecuteNonQueryAsync(ct);
                        break;
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested)
                    {
                        if (attempt >= 3)
                        {
                            // The database is unreachable for us; the other instances' listeners most likely lost it
                            // too and resync when it is back.
                            logger.LogWarning(ex, "Dropped {Count} cluster notifications after {Attempts} attempts", pending.Count, attempt);
                            break;
                        }
                        await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), ct);
                    }
                }
                pending.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Deliver(string payload)
    {
        // origin:topic:m:body or origin:topic:r
        var first = payload.IndexOf(':');
        var second = first < 0 ? -1 : payload.IndexOf(':', first + 1);
        if (second < 0 || payload.AsSpan(0, first).SequenceEqual(Origin))
        {
            return;
        }
        var topic = payload[(first + 1)..second];
        var rest = payload.AsSpan(second + 1);
        var resync = rest.SequenceEqual("r");
        if (!resync && !rest.StartsWith("m:"))
        {
            return;
        }
        var body = resync ? "" : payload[(second + 3)..];
        foreach (var s in Volatile.Read(ref _subscriptions))
        {
            if (s.Topic == topic)
            {
                Run(resync ? s.OnResync : () => s.OnMessage(body), topic);
            }
        }
    }

    private void ResyncAll()
    {
        foreach (var s in Volatile.Read(ref _subscriptions))
        {
            Run(s.OnResync, s.Topic);
        }
    }

    private void Run(Action action, string topic)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            // One broken subscriber must not keep the others from hearing.
            logger.LogWarning(ex, "A subscriber of cluster topic {Topic} failed", topic);
        }
    }

    private static void RequireTopic(string topic)
    {
        if (string.IsNullOrEmpty(topic) || topic.Contains(':'))
        {
            throw new ArgumentException("A topic is a non-empty name without ':'.", nameof(topic));
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions.Where(s => s != subscription)];
        }
    }

    private sealed class Subscription(ClusterBus bus, string topic, Action<string> onMessage, Action onResync) : IDisposable
    {
        public string Topic => topic;
        public Action<string> OnMessage => onMessage;
        public Action OnResync => onResync;

        public void Dispose() => bus.Remove(this);
    }
}
