using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Crowdstart.Pipeline.Privacy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>One refused event as the creator will see it: never a property value, only what was wrong.</summary>
/// <param name="CampaignId">The campaign of the key the event came with.</param>
/// <param name="KeyId">That key.</param>
/// <param name="ReceivedAt">When the request arrived.</param>
/// <param name="Channel"><see cref="IngestActivity.ApiChannel"/> or <see cref="IngestActivity.SegmentChannel"/>.</param>
/// <param name="EventName">The event's type or Segment name, if it had one.</param>
/// <param name="Field">The offending field.</param>
/// <param name="Reason">Why, in plain words.</param>
public sealed record RejectedEvent(Guid CampaignId, Guid KeyId, DateTimeOffset ReceivedAt, string Channel, string? EventName, string Field, string Reason);

/// <summary>
/// What ingestion remembers besides the events: when each key last brought an event, and the last rejected events
/// of each campaign with their reasons. Both are kept off the ingest request's path: a request only writes to memory
/// (a dictionary entry per key, a bounded queue of rejections, at most <see cref="MaxRejectionsPerRequest"/> per
/// request); <see cref="FlushAsync"/>, run every <see cref="IngestionOptions.ActivityFlushSeconds"/> by the hosted
/// service, writes them in two statements. When the queue is full a rejection is dropped (counted in
/// <see cref="Dropped"/>): the list is a diagnostic, not a record.
/// </summary>
public sealed class IngestActivity(NpgsqlDataSource dataSource, IOptions<IngestionOptions> options, TimeProvider time,
    ILogger<IngestActivity> logger) : BackgroundService
{
    public const string ApiChannel = "api";
    public const string SegmentChannel = "segment";

    /// <summary>Rejections queued from one request at most (only the campaign's last few are kept anyway).</summary>
    public const int MaxRejectionsPerRequest = 50;

    private const int QueueCapacity = 10_000;
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastSeen = new();
    private readonly Channel<RejectedEvent> _rejections = Channel.CreateBounded<RejectedEvent>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private long _dropped;

    /// <summary>Rejections not recorded because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Notes that <paramref name="target"/>'s key brought events now.</summary>
    public void Touch(IngestTarget target)
    {
        if (target.KeyId != Guid.Empty)
        {
            _lastSeen[target.KeyId] = time.GetUtcNow();
        }
    }

    /// <summary>Queues a rejection; its texts are cleaned of personal data and truncated first.</summary>
    public void Reject(IngestTarget target, string channel, string? eventName, string field, string reason)
    {
        var rejection = new RejectedEvent(target.CampaignId, target.KeyId, time.GetUtcNow(), channel,
            eventName is null ? null : Clean(eventName, 80), Clean(field, 100), Clean(reason, 300));
        if (!_rejections.Writer.TryWrite(rejection))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>
    /// What may be stored of a text that came from a client (an event name, a field name, a reason quoting one):
    /// control characters removed, at most <paramref name="max"/> characters, and "[redacted]" when it looks like
    /// personal data (an e-mail address, a card or phone number, an IP address, an IBAN).
    /// </summary>
    public static string Clean(string text, int max)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max));
        foreach (var c in text)
        {
            if (builder.Length == max)
            {
                break;
            }
            if (!char.IsControl(c) && !char.IsSurrogate(c))
            {
                builder.Append(c);
            }
        }
        var cleaned = builder.ToString();
        return PiiScanner.FindInText(cleaned) is null ? cleaned : PrivacyOptions.RedactedValue;
    }

    /// <summary>Writes what was noted since the last flush (also called on shutdown, and by tests to see it at once).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            await FlushLastSeenAsync(ct);
            await FlushRejectionsAsync(ct);
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task FlushLastSeenAsync(CancellationToken ct)
    {
        if (_lastSeen.IsEmpty)
        {
            return;
        }
        var ids = new List<Guid>();
        var ats = new List<DateTimeOffset>();
        foreach (var (key, at) in _lastSeen)
        {
            // Removed only if unchanged: a newer touch made meanwhile stays for the next flush.
            if (_lastSeen.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(key, at)))
            {
                ids.Add(key);
                ats.Add(at);
            }
        }
        await using var cmd = dataSource.CreateCommand(
            """
            UPDATE ingest_keys k SET last_event_at = GREATEST(k.last_event_at, v.at)
            FROM unnest(@ids, @ats) AS v(id, at) WHERE k.id = v.id
            """);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = ats.ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task FlushRejectionsAsync(CancellationToken ct)
    {
        var batch = new List<RejectedEvent>();
        while (batch.Count < QueueCapacity && _rejections.Reader.TryRead(out var r))
        {
            batch.Add(r);
        }
        if (batch.Count == 0)
        {
            return;
        }
        var keep = Math.Max(1, options.Value.RejectedEventsPerCampaign);
        // Only the newest few per campaign survive the trim below: writing the rest would be wasted work.
        batch = batch.GroupBy(r => r.CampaignId).SelectMany(g => g.TakeLast(keep)).ToList();
        var campaigns = batch.Select(r => r.CampaignId).Distinct().ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO ingest_rejections (campaign_id, key_id, received_at, channel, event_name, field, reason)
            SELECT v.campaign_id, v.key_id, v.received_at, v.channel, v.event_name, v.field, v.reason
            FROM unnest(@campaigns, @keys, @ats, @channels, @names, @fields, @reasons) WITH ORDINALITY
                AS v(campaign_id, key_id, received_at, channel, event_name, field, reason, ord)
            WHERE EXISTS (SELECT 1 FROM campaigns c WHERE c.id = v.campaign_id)
            ORDER BY v.ord
            """, connection, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter("campaigns", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = batch.Select(r => r.CampaignId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = batch.Select(r => r.KeyId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = batch.Select(r => r.ReceivedAt).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("channels", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(r => r.Channel).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(r => (object?)r.EventName ?? DBNull.Value).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("fields", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(r => r.Field).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(r => r.Reason).ToArray() });
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using (var trim = new NpgsqlCommand(
            """
            DELETE FROM ingest_rejections r USING unnest(@campaigns) AS c(id)
            WHERE r.campaign_id = c.id AND r.id < (
                SELECT min(id) FROM (SELECT id FROM ingest_rejections WHERE campaign_id = c.id ORDER BY id DESC LIMIT @keep) newest)
            """, connection, tx))
        {
            trim.Parameters.Add(new NpgsqlParameter("campaigns", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = campaigns });
            trim.Parameters.AddWithValue("keep", keep);
            await trim.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.ActivityFlushSeconds)), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushQuietlyAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushQuietlyAsync(cancellationToken);
    }

    private async Task FlushQuietlyAsync(CancellationToken ct)
    {
        try
        {
            await FlushAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The database is away: what was taken from memory is lost, which a diagnostic list can afford.
            logger.LogWarning(ex, "Could not write ingest activity (last event per key, rejected events)");
        }
    }
}
