using System.Buffers;
using System.Security.Cryptography;
using Crowdstart.Pipeline.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Crowdstart.Pipeline.Log.JetStream;

/// <summary>
/// Appends to the JetStream log. A request's events are grouped by partition into messages of at most
/// <c>MaxEventsPerMessage</c> and published at once; the task completes when JetStream acknowledged every one of
/// them, which with <c>Replicas = 3</c> means a majority of the servers stored it. One message per event would cost
/// the broker a publish and an acknowledgement each (42–66k a second on these 2 cores); a message per group costs
/// one per partition touched.
/// <para>
/// Idempotency, first line: a message's id is derived from its events' (campaign, eventId) pairs, so a request sent
/// again within the duplicate window is stored once by JetStream itself (a single event's message id is its own
/// campaign and eventId). Second line, beyond the window or for partial resends: the processors store raw events
/// under the unique (eventId, campaign) index of <c>event_log</c> and count only those new there.
/// </para>
/// </summary>
public sealed class JetStreamEventLog(JetStreamLog log, IOptions<AppendOptions> options, TimeProvider time, ILogger<JetStreamEventLog> logger)
    : IEventLog
{
    private readonly int _capacity = Math.Max(1, options.Value.QueueCapacityEvents);
    private int _inFlight;

    public bool HasRoomFor(int events) => Volatile.Read(ref _inFlight) + events <= _capacity;

    public async Task<AppendResult> AppendAsync(IReadOnlyList<EventRecord> events, CancellationToken ct = default)
    {
        if (events.Count == 0)
        {
            return new AppendResult([], []);
        }
        if (Interlocked.Add(ref _inFlight, events.Count) > _capacity)
        {
            Interlocked.Add(ref _inFlight, -events.Count);
            throw new LogUnavailableException("The event log is saturated; retry shortly.") { RetryAfter = TimeSpan.FromSeconds(1) };
        }
        try
        {
            return await PublishAsync(events, ct);
        }
        finally
        {
            Interlocked.Add(ref _inFlight, -events.Count);
        }
    }

    private async Task<AppendResult> PublishAsync(IReadOnlyList<EventRecord> events, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(log.Options.PublishTimeoutSeconds));
        await EnsureStreamAsync(timeout.Token, ct);
        var partitions = new int[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            partitions[i] = Partitioner.PartitionFor(events[i].CustomerId, log.PartitionCount);
        }
        // Events of a partition keep their request order (a stable counting sort by partition); each group becomes one
        // or more messages.
        var starts = new int[log.PartitionCount + 1];
        foreach (var p in partitions)
        {
            starts[p + 1]++;
        }
        for (var p = 1; p < starts.Length; p++)
        {
            starts[p] += starts[p - 1];
        }
        var order = new int[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            order[starts[partitions[i]]++] = i;
        }
        var sorted = order.Select(i => events[i]).ToArray();
        var receivedAt = time.GetUtcNow();
        var maxPerMessage = log.Options.MaxEventsPerMessage;
        var messages = new List<(int Start, int Count, Task<PubAckResponse> Ack)>();
        for (var start = 0; start < sorted.Length;)
        {
            var partition = partitions[order[start]];
            var count = 1;
            while (start + count < sorted.Length && count < maxPerMessage && partitions[order[start + count]] == partition)
            {
                count++;
            }
            var body = new ArrayBufferWriter<byte>(count * 320);
            LogMessage.Write(body, receivedAt, sorted, start, count);
            var ack = log.Context.PublishAsync(log.SubjectOf(partition), body.WrittenMemory,
                opts: new NatsJSPubOpts { MsgId = MessageId(sorted, start, count) }, cancellationToken: timeout.Token).AsTask();
            messages.Add((start, count, ack));
            start += count;
        }

        var inserted = new bool[events.Count];
        var offsets = new long[events.Count];
        try
        {
            foreach (var (start, count, task) in messages)
            {
                var ack = await task;
                if (ack.Error is { } error)
                {
                    throw new LogUnavailableException($"The event log refused the events: {error.Description} ({error.ErrCode}).");
                }
                for (var k = 0; k < count; k++)
                {
                    var original = order[start + k];
                    inserted[original] = !ack.Duplicate;
                    offsets[original] = JetStreamPositions.Of(ack.Seq, k).Value;
                }
            }
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            // Some messages may have been stored: the client retries the whole request, and the message ids (then
            // the event_log index) make the second attempt store nothing twice.
            logger.LogWarning(ex, "Publishing {Count} events to JetStream failed; their request gets 503", events.Count);
            throw new LogUnavailableException("The event log is unavailable; retry shortly.", ex);
        }
        return new AppendResult(inserted, offsets, [.. partitions.Distinct().Order()]);
    }

    private async Task EnsureStreamAsync(CancellationToken timeout, CancellationToken ct)
    {
        try
        {
            await log.EnsureStreamAsync(timeout);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new LogUnavailableException("The event log is unavailable; retry shortly.", ex);
        }
    }

    /// <summary>The same events give the same id: the campaign and eventId of a lone event, else a hash of all of them.</summary>
    private static string MessageId(EventRecord[] events, int start, int count)
    {
        if (count == 1)
        {
            return $"{events[start].CampaignId:N}:{events[start].EventId:N}";
        }
        Span<byte> ids = count * 32 <= 64 * 1024 ? stackalloc byte[count * 32] : new byte[count * 32];
        for (var k = 0; k < count; k++)
        {
            events[start + k].CampaignId.TryWriteBytes(ids[(k * 32)..]);
            events[start + k].EventId.TryWriteBytes(ids[(k * 32 + 16)..]);
        }
        return Convert.ToHexString(SHA256.HashData(ids));
    }
}
