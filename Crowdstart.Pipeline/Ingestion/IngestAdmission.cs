using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>
/// Admission control for the CPU- and memory-heavy part of an ingest request: reading, parsing and validating
/// the body. At most <see cref="IngestionOptions.MaxConcurrentRequests"/> requests do this at once and at most
/// <see cref="IngestionOptions.MaxQueuedRequests"/> wait for a turn, oldest first; anything beyond is refused at
/// once with 503 and <c>Retry-After</c>, before its body is read. Together with the append queue's bound on events
/// waiting for their commit, this keeps memory bounded however many clients send at once.
/// An operator (or a test) can also close admission for a while with <see cref="Pause"/>: every ingest request is then
/// refused with 503 and <c>Retry-After</c> until the pause ends, which well-behaved clients (the Segment libraries
/// among them) answer by retrying later — the same answer a saturated instance gives.
/// </summary>
public sealed class IngestAdmission(IOptions<IngestionOptions> options, TimeProvider? time = null) : IDisposable
{
    private long _pausedUntilTicks;

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, options.Value.MaxConcurrentRequests),
        QueueLimit = Math.Max(0, options.Value.MaxQueuedRequests),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Waits for a turn; the lease is not acquired when the queue is full. Dispose the lease to give the turn back.</summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken ct) => _limiter.AcquireAsync(1, ct);

    /// <summary>Refuses every ingest request for <paramref name="duration"/> (zero or less reopens at once).</summary>
    public void Pause(TimeSpan duration) =>
        Interlocked.Exchange(ref _pausedUntilTicks, duration <= TimeSpan.Zero ? 0 : (time ?? TimeProvider.System).GetUtcNow().Add(duration).UtcTicks);

    /// <summary>How long admission stays closed by <see cref="Pause"/>, or null when it is open.</summary>
    public TimeSpan? PausedFor()
    {
        var until = Interlocked.Read(ref _pausedUntilTicks);
        var left = until == 0 ? TimeSpan.Zero : new DateTimeOffset(until, TimeSpan.Zero) - (time ?? TimeProvider.System).GetUtcNow();
        return left > TimeSpan.Zero ? left : null;
    }

    public void Dispose() => _limiter.Dispose();
}
