using System.Collections.Concurrent;
using Crowdstart.Pipeline.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>
/// Resolves <c>Authorization: Bearer &lt;key&gt;</c> to the campaign it writes to. Keys are looked up by their
/// hash; results are cached for a few seconds because every ingest request needs one.
/// </summary>
public sealed class IngestKeyAuthenticator(NpgsqlDataSource dataSource, IOptions<IngestionOptions> options, TimeProvider time)
{
    private const int MaxCachedMisses = 10_000;
    private readonly ConcurrentDictionary<string, (IngestTarget Target, DateTimeOffset Expires)> _hits = new(StringComparer.Ordinal);
    // Unknown keys are cached apart, so a flood of random keys can never evict the real ones.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _misses = new(StringComparer.Ordinal);

    /// <summary>The key's campaign, or null when the header is missing, malformed, unknown or revoked.</summary>
    public async Task<IngestTarget?> AuthenticateAsync(string? authorization, CancellationToken ct)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var key = authorization["Bearer ".Length..].Trim();
        if (key.Length is < 8 or > 200)
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (_hits.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Target;
        }
        if (_misses.TryGetValue(key, out var missExpires) && missExpires > now)
        {
            return null;
        }

        await using var cmd = dataSource.CreateCommand(
            """
            SELECT c.id, c.currency FROM ingest_keys k JOIN campaigns c ON c.id = k.campaign_id
            WHERE k.key_hash = @h AND k.revoked_at IS NULL
            """);
        cmd.Parameters.AddWithValue("h", CampaignStore.HashKey(key));
        IngestTarget? target = null;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                target = new IngestTarget(reader.GetGuid(0), reader.GetString(1).Trim());
            }
        }
        var expires = now.AddSeconds(options.Value.KeyCacheSeconds);
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

    /// <summary>Forgets cached keys, e.g. right after a key was revoked.</summary>
    public void Invalidate()
    {
        _hits.Clear();
        _misses.Clear();
    }
}
