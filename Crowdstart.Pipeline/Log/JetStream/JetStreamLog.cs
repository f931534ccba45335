using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Crowdstart.Pipeline.Log.JetStream;

/// <summary>
/// The connection to the NATS servers and the stream that is the log: one stream, one subject per partition
/// (<c>&lt;Subject&gt;.&lt;partition&gt;</c>), file storage, <c>Replicas</c> copies, messages kept <c>MaxAgeHours</c>.
/// One stream rather than one per partition: JetStream orders messages per subject, which is all a partition needs,
/// and one stream is one Raft group to place, watch and configure instead of <c>PartitionCount</c> of them.
/// </summary>
public sealed class JetStreamLog : IAsyncDisposable
{
    private readonly NatsConnection _connection;
    private readonly SemaphoreSlim _ready = new(1, 1);
    private bool _streamReady;
    private INatsJSStream? _stream;

    public JetStreamLog(IOptions<LogOptions> options, ILoggerFactory loggers)
    {
        Options = options.Value.JetStream;
        PartitionCount = options.Value.PartitionCount;
        _connection = new NatsConnection(new NatsOpts
        {
            Url = Options.Url,
            Name = "crowdstart-" + Environment.ProcessId,
            LoggerFactory = loggers,
            RequestTimeout = TimeSpan.FromSeconds(Options.PublishTimeoutSeconds),
            // A node that is down while we start must not stop the app: connect to whichever answers, retry the rest.
            RetryOnInitialConnect = true,
            MaxReconnectRetry = -1,
        });
        Context = new NatsJSContext(_connection);
    }

    /// <summary>The stream's settings.</summary>
    public JetStreamLogOptions Options { get; }

    /// <summary>Number of partitions (subjects).</summary>
    public int PartitionCount { get; }

    /// <summary>JetStream API of the connection.</summary>
    public NatsJSContext Context { get; }

    /// <summary>
    /// The stream, for direct reads of its messages. Looked up once: the handle only carries the name, and the lookup
    /// is an API request that lag reads (every few seconds per partition) would otherwise repeat.
    /// </summary>
    public async ValueTask<INatsJSStream> StreamAsync(CancellationToken ct)
    {
        await EnsureStreamAsync(ct);
        return _stream ??= await Context.GetStreamAsync(Options.Stream, cancellationToken: ct);
    }

    /// <summary>The subject of <paramref name="partition"/>.</summary>
    public string SubjectOf(int partition) => $"{Options.Subject}.{partition}";

    /// <summary>Creates the stream, or brings an existing one to the configured settings (replicas, age, window).</summary>
    public async Task EnsureStreamAsync(CancellationToken ct)
    {
        if (_streamReady)
        {
            return;
        }
        await _ready.WaitAsync(ct);
        try
        {
            if (_streamReady)
            {
                return;
            }
            await CreateOrUpdateAsync(ct);
            _streamReady = true;
        }
        finally
        {
            _ready.Release();
        }
    }

    /// <summary>
    /// Retries until the caller gives up: a cluster that just (re)started answers API requests only once it has elected
    /// its leaders, which takes a few seconds after the servers accept connections.
    /// </summary>
    private async Task CreateOrUpdateAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CreateOrUpdateOnceAsync(ct);
                return;
            }
            catch (Exception ex) when (ex is NatsJSApiNoResponseException or NatsNoRespondersException or NatsJSApiException { Error.Code: 503 }
                && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * attempt)), ct);
            }
        }
    }

    private async Task CreateOrUpdateOnceAsync(CancellationToken ct) =>
        await Context.CreateOrUpdateStreamAsync(new StreamConfig
        {
            Name = Options.Stream,
            Subjects = [Options.Subject + ".*"],
            Storage = StreamConfigStorage.File,
            Retention = StreamConfigRetention.Limits,
            Discard = StreamConfigDiscard.Old,
            NumReplicas = Options.Replicas,
            MaxAge = TimeSpan.FromHours(Options.MaxAgeHours),
            DuplicateWindow = TimeSpan.FromSeconds(Options.DuplicateWindowSeconds),
            AllowDirect = true,
        }, ct);

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _ready.Dispose();
    }
}
