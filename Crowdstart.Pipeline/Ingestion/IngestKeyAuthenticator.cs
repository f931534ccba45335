using System.Collections.Concurrent;
using Crowdstart.Pipeline.Cluster;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>
/// Resolves <c>Authorization: Bearer &lt;key&gt;</c> to the campaign it writes to. Keys are looked up by their
/// hash; results are cached for a few seconds because every ingest request needs one. A revocation on any
/// instance empties the cache of every instance: it is announced through the <see cref="ClusterBus"/> (topic
/// <see cref="Topic"/>), and while this instance is not listening to the bus nothing is served from the cache.
/// </summary>
public sealed class IngestKeyAuthenticator
{
    /// <summary>The bus topic of key revocations (body: the campaign id, for the record; every cached key is dropped).</summary>
    public const string Topic = "ingest-keys";

    private const int MaxCachedMisses = 10_000;
    private readonly NpgsqlDataSource _dataSource;
    private readonly IOptions<IngestionOptions> _options;
    private readonly TimeProvider _time;
    private readonly ClusterBus? _bus;
    // Bumped by every invalidation: a lookup that started before one must not cache what it read.
    private long _generation;
    private readonly ConcurrentDictionary<string, (IngestTarget Target, DateTimeOffset Expires)> _hits = new(StringComparer.Ordinal);
    // Unknown keys are cached apart, so a flood of random keys can never evict the real ones.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _misses = new(StringComparer.Ordinal);

    public IngestKeyAuthenticator(NpgsqlDataSource dataSource, IOptions<IngestionOptions> options, TimeProvider time, ClusterBus? bus = null)
    {
        _dataSource = dataSource;
        _options = options;
        _time = time;
        _bus = bus;
        bus?.Subscribe(Topic, _ => Invalidate(), Invalidate);
    }

    // Without the bus a revocation elsewhere would go unheard for the cache's lifetime: read the database instead.
    private bool CacheTrusted => _bus is not { IsListening: false };

    /// <summary>The key's campaign, or null when the header is missing, malformed, unknown or revoked.</summary>
    public Task<IngestTarget?> AuthenticateAsync(string? authorization, CancellationToken ct)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult<IngestTarget?>(null);
        }
        return AuthenticateKeyAsync(authorization["Bearer ".Length..], ct);
    }

    /// <summary>The campaign of a key presented without the Bearer scheme (Segment's write key), or null.</summary>
    public async Task<IngestTarget?> AuthenticateKeyAsync(string? presented, CancellationToken ct)
    {
        var key = presented?.Trim() ?? "";
        if (key.Length is < 8 or > 200)
        {
            return null;
        }
        var now = _time.GetUtcNow();
        var trusted = CacheTrusted;
        if (trusted && _hits.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Target;
        }
        if (trusted && _misses.TryGetValue(key, out var missExpires) && missExpires > now)
        {
            return null;
        }
        var generation = Interlocked.Read(ref _generation);

        await using var cmd = _dataSource.CreateCommand(
            """
            SELECT c.id, c.currency, k.id FROM ingest_keys k JOIN campaigns c ON c.id = k.campaign_id
            WHERE k.key_hash = @h AND k.revoked_at IS NULL
            """);
        cmd.Parameters.AddWithValue("h", CampaignStore.HashKey(key));
        IngestTarget? target = null;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                target = new IngestTarget(reader.GetGuid(0), reader.GetString(1).Trim(), reader.GetGuid(2));
            }
        }
        var expires = now.AddSeconds(_options.Value.KeyCacheSeconds);
        if (generation != Interlocked.Read(ref _generation))
        {
            // Invalidated while we read: the answer may predate a revocation, so it is used once and not kept.
            return target;
        }
        if (target is null)
        {
            if (_misses.Count >= MaxCachedMisses)
            {
                _misses.Clear();
            }
            _misses[key] = expires;
        }
        else
        {
            _hits[key] = (target, expires);
        }
        return target;
    }

    /// <summary>
    /// Tells the other instances that keys were revoked in <paramref name="database"/>'s open transaction (delivered
    /// only if it commits); call before the commit, then <see cref="Invalidate"/> after it.
    /// </summary>
    public Task AnnounceRevocationAsync(DatabaseFacade database, Guid campaignId, CancellationToken ct = default) =>
        _bus?.SendAsync(database, Topic, campaignId.ToString("N"), ct) ?? Task.CompletedTask;

    /// <summary>Forgets this instance's cached keys, e.g. right after a key was revoked.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _hits.Clear();
        _misses.Clear();
    }
}
