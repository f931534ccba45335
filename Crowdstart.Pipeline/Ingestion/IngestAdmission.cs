using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>
/// Admission control for the CPU- and memory-heavy part of an ingest request: reading, parsing and validating
/// the body. At most <see cref="IngestionOptions.MaxConcurrentRequests"/> requests do this at once and at most
/// <see cref="IngestionOptions.MaxQueuedRequests"/> wait for a turn, oldest first; anything beyond is refused at
/// once with 503 and <c>Retry-After</c>, before its body is read. Together with the append queue's bound on events
/// waiting for their commit, this keeps memory bounded however many clients send at once.
/// </summary>
public sealed class IngestAdmission(IOptions<IngestionOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, options.Value.MaxConcurrentRequests),
        QueueLimit = Math.Max(0, options.Value.MaxQueuedRequests),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Waits for a turn; the lease is not acquired when the queue is full. Dispose the lease to give the turn back.</summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken ct) => _limiter.AcquireAsync(1, ct);

    public void Dispose() => _limiter.Dispose();
}
