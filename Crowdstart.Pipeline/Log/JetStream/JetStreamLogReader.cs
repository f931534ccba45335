using Crowdstart.Pipeline.Events;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Npgsql;
using NpgsqlTypes;

namespace Crowdstart.Pipeline.Log.JetStream;

/// <summary>
/// Reads each partition's subject with an ordered consumer from the message after the checkpoint, and stores a
/// batch's events in <c>event_log</c> in the processor's transaction (the raw-event sink is the processor itself, so
/// a customer's history is in PostgreSQL whenever their metrics are recomputed, and the sink's lag is the pipeline's).
/// Messages read ahead of a batch stay buffered for the next one; a failed batch resets the partition to its checkpoint.
/// </summary>
public sealed class JetStreamLogReader(JetStreamLog log) : ILogReader, IAsyncDisposable
{
    private const int FetchMessages = 64;
    private readonly PartitionState[] _partitions = Enumerable.Range(0, log.PartitionCount).Select(_ => new PartitionState()).ToArray();

    private sealed class PartitionState
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public INatsJSConsumer? Consumer;

        /// <summary>Sequence of the last message handed out in a batch (the checkpoint the next read should come from).</summary>
        public ulong LastHandedOut;

        /// <summary>The consumer sequence the next delivered message must carry: a gap means a delivery was lost.</summary>
        public ulong NextDelivery;

        /// <summary>When an empty fetch was last checked against the stream itself.</summary>
        public long LastProbe;
        public readonly Queue<INatsJSMsg<byte[]>> Buffer = new();
    }

    public async Task<LogBatch> ReadAsync(NpgsqlConnection connection, int partition, LogPosition after, int limit, CancellationToken ct)
    {
        var state = _partitions[partition];
        await state.Gate.WaitAsync(ct);
        try
        {
            var next = JetStreamPositions.NextSequence(after);
            if (state.Consumer is null || state.LastHandedOut + 1 != next)
            {
                await OpenAsync(state, partition, next, ct);
            }
            if (state.Buffer.Count == 0)
            {
                await FetchAsync(state, ct);
                if (state.Buffer.Count == 0 && await ConsumerLostAsync(state, partition, ct))
                {
                    // The consumer lived on a server that went away (consumers are in memory, on one server): the
                    // stream has messages it will never deliver. A new one, from the same place, will.
                    await OpenAsync(state, partition, state.LastHandedOut + 1, ct);
                    await FetchAsync(state, ct);
                }
            }
            var events = new List<LoggedEvent>();
            ulong last = 0;
            while (state.Buffer.TryPeek(out var msg) && (events.Count == 0 || events.Count < limit))
            {
                state.Buffer.Dequeue();
                var metadata = msg.Metadata ?? throw new InvalidOperationException("A log message arrived without JetStream metadata.");
                if (metadata.Sequence.Consumer != state.NextDelivery)
                {
                    // A delivery went missing (e.g. the connection dropped mid-fetch): read again from the checkpoint.
                    throw new InvalidOperationException(
                        $"Partition {partition}: delivery {metadata.Sequence.Consumer} arrived where {state.NextDelivery} was due; reading again from the checkpoint.");
                }
                state.NextDelivery++;
                var sequence = metadata.Sequence.Stream;
                if (!msg.Subject.EndsWith("." + partition.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Partition {partition} was handed a message of {msg.Subject}.");
                }
                var (receivedAt, records) = LogMessage.Read(msg.Data);
                for (var k = 0; k < records.Count; k++)
                {
                    events.Add(new LoggedEvent(partition, JetStreamPositions.Of(sequence, k).Value, receivedAt, records[k]));
                }
                last = sequence;
            }
            if (last == 0)
            {
                return LogBatch.Empty(partition, after);
            }
            state.LastHandedOut = last;
            return new LogBatch(partition, events, JetStreamPositions.AfterMessage(last));
        }
        catch
        {
            Drop(state);
            throw;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private static async Task FetchAsync(PartitionState state, CancellationToken ct)
    {
        await foreach (var msg in state.Consumer!.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = FetchMessages }, cancellationToken: ct))
        {
            state.Buffer.Enqueue(msg);
        }
    }

    /// <summary>
    /// Whether an empty fetch hides messages: at most every two seconds per partition, asks the stream (a direct read
    /// any replica answers) for the partition's next message after the last one handed out.
    /// </summary>
    private async Task<bool> ConsumerLostAsync(PartitionState state, int partition, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (now - state.LastProbe < 2000)
        {
            return false;
        }
        state.LastProbe = now;
        try
        {
            var stream = await log.StreamAsync(ct);
            await stream.GetAsync(new StreamMsgGetRequest { Seq = state.LastHandedOut + 1, NextBySubj = log.SubjectOf(partition) }, ct);
            return true;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return false;
        }
    }

    private async Task OpenAsync(PartitionState state, int partition, ulong fromSequence, CancellationToken ct)
    {
        await log.EnsureStreamAsync(ct);
        state.Buffer.Clear();
        if (state.Consumer is { } old)
        {
            state.Consumer = null;
            await DeleteQuietlyAsync(old.Info.Name);
        }
        // An ephemeral pull consumer with one filter subject (JetStream 2.9 knows only the single-subject filter; the
        // client's ordered consumer sends the multi-subject form, which 2.9 ignores). No acknowledgements: the
        // checkpoint in PostgreSQL is the only progress that counts, and a reopened consumer starts from it.
        state.Consumer = await log.Context.CreateConsumerAsync(log.Options.Stream, new ConsumerConfig
        {
            Name = $"p{partition}-{Guid.NewGuid():N}",
            FilterSubject = log.SubjectOf(partition),
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = fromSequence,
            AckPolicy = ConsumerConfigAckPolicy.None,
            MemStorage = true,
            NumReplicas = 1,
            InactiveThreshold = TimeSpan.FromMinutes(2),
        }, ct);
        state.NextDelivery = 1;
        // The checkpoint says everything before fromSequence is done; the next message handed out follows it.
        state.LastHandedOut = fromSequence - 1;
    }

    public async Task<IReadOnlyList<LoggedEvent>> StoreAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LogBatch batch, CancellationToken ct)
    {
        if (batch.Events.Count == 0)
        {
            return [];
        }
        var events = batch.Events;
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO event_log (partition, "offset", event_id, campaign_id, customer_id, session_id, type, occurred_at, received_at,
                source, amount, currency, properties)
            SELECT @p, v.o, v.i, v.c, v.u, v.s, v.t, v.oc, v.r, v.src, v.a, v.cur, v.pr::jsonb
            FROM unnest(@o, @i, @c, @u, @s, @t, @oc, @r, @src, @a, @cur, @pr) AS v(o, i, c, u, s, t, oc, r, src, a, cur, pr)
            ORDER BY v.o
            ON CONFLICT DO NOTHING
            RETURNING "offset"
            """, connection, tx);
        cmd.Parameters.AddWithValue("p", batch.Partition);
        cmd.Parameters.AddWithValue("o", events.Select(e => e.Offset).ToArray());
        cmd.Parameters.AddWithValue("i", events.Select(e => e.Event.EventId).ToArray());
        cmd.Parameters.AddWithValue("c", events.Select(e => e.Event.CampaignId).ToArray());
        cmd.Parameters.AddWithValue("u", events.Select(e => e.Event.CustomerId).ToArray());
        cmd.Parameters.AddWithValue("s", events.Select(e => e.Event.SessionId).ToArray());
        cmd.Parameters.AddWithValue("t", events.Select(e => e.Event.Type).ToArray());
        cmd.Parameters.AddWithValue("oc", events.Select(e => e.Event.OccurredAt.ToUniversalTime()).ToArray());
        cmd.Parameters.AddWithValue("r", events.Select(e => e.ReceivedAt.ToUniversalTime()).ToArray());
        cmd.Parameters.AddWithValue("src", events.Select(e => e.Event.Source).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("a", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = events.Select(e => e.Event.Amount).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("cur", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = events.Select(e => e.Event.Currency).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("pr", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = events.Select(e => e.Event.PropertiesJson).ToArray() });
        // No conflict target: a row may already exist under the same (eventId, campaign) (a resend) or at the same
        // position (another consumer of the partition stored this very message; its checkpoint move then makes this
        // batch roll back with CheckpointConflictException). Either way the row is not new and is not counted.
        var stored = new HashSet<long>(events.Count);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                stored.Add(reader.GetInt64(0));
            }
        }
        return stored.Count == events.Count ? events : events.Where(e => stored.Contains(e.Offset)).ToList();
    }

    public async Task WaitAsync(int partition, TimeSpan timeout, CancellationToken ct)
    {
        var state = _partitions[partition];
        await state.Gate.WaitAsync(ct);
        try
        {
            if (state.Buffer.Count > 0 || state.Consumer is null)
            {
                return;
            }
            // Returns as soon as one message arrives, so a quiet partition reacts to its first event at once.
            var msg = await state.Consumer.NextAsync<byte[]>(opts: new NatsJSNextOpts { Expires = timeout < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : timeout }, cancellationToken: ct);
            if (msg is { } m)
            {
                state.Buffer.Enqueue(m);
            }
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            Drop(state);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    public void Reset(int partition) => Drop(_partitions[partition]);

    private void Drop(PartitionState state)
    {
        if (state.Consumer is { } consumer)
        {
            state.Consumer = null;
            _ = DeleteQuietlyAsync(consumer.Info.Name);
        }
    }

    private async Task DeleteQuietlyAsync(string consumer)
    {
        try
        {
            await log.Context.DeleteConsumerAsync(log.Options.Stream, consumer);
        }
        catch (Exception)
        {
            // It expires by itself after its inactivity threshold.
        }
    }

    public async Task<LogBacklog> BacklogAsync(NpgsqlConnection connection, int partition, LogPosition checkpoint, CancellationToken ct)
    {
        var next = JetStreamPositions.NextSequence(checkpoint);
        var subject = log.SubjectOf(partition);
        var stream = await log.StreamAsync(ct);
        // The oldest message after the checkpoint, if any: one direct read, answered by any replica.
        StreamMsgGetResponse oldest;
        try
        {
            oldest = await stream.GetAsync(new StreamMsgGetRequest { Seq = next, NextBySubj = subject }, ct);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return new LogBacklog(0, null);
        }
        // Behind: a throw-away consumer from the checkpoint counts what is pending on the subject (the server keeps the
        // count; nothing is read to know it). Only when behind, so a caught-up partition costs one read.
        var probe = await log.Context.CreateConsumerAsync(log.Options.Stream, new ConsumerConfig
        {
            Name = $"backlog-{partition}-{Guid.NewGuid():N}",
            FilterSubject = subject,
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = next,
            AckPolicy = ConsumerConfigAckPolicy.None,
            MemStorage = true,
            NumReplicas = 1,
            InactiveThreshold = TimeSpan.FromSeconds(30),
        }, ct);
        var pending = Math.Max(1L, (long)probe.Info.NumPending);
        await DeleteQuietlyAsync(probe.Info.Name);
        // When the app received it (what event_log.received_at will say, as on PostgreSQL), not when the broker stored it.
        return new LogBacklog(pending, LogMessage.Read(oldest.Message.Data.Span).ReceivedAt);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var state in _partitions)
        {
            state.Gate.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
