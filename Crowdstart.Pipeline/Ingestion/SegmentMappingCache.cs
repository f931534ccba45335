using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>
/// Each campaign's own Segment event names (table <c>segment_event_mappings</c>), read once per
/// <see cref="IngestionOptions.KeyCacheSeconds"/> per campaign on the ingest path: an edit is seen at once on the
/// instance that made it and within that many seconds on the others.
/// </summary>
public sealed class SegmentMappingCache(NpgsqlDataSource dataSource, IOptions<IngestionOptions> options, TimeProvider time)
{
    private static readonly FrozenDictionary<string, string> Empty = FrozenDictionary<string, string>.Empty;
    private readonly ConcurrentDictionary<Guid, (FrozenDictionary<string, string> Events, DateTimeOffset Expires)> _cache = new();

    /// <summary>The campaign's event names (matched without regard to case) and their targets.</summary>
    public async ValueTask<IReadOnlyDictionary<string, string>> ForCampaignAsync(Guid campaignId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(campaignId, out var cached) && cached.Expires > now)
        {
            return cached.Events;
        }
        await using var cmd = dataSource.CreateCommand("SELECT event_name, event_type FROM segment_event_mappings WHERE campaign_id = @c");
        cmd.Parameters.AddWithValue("c", campaignId);
        var events = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                events[reader.GetString(0)] = reader.GetString(1);
            }
        }
        var frozen = events.Count == 0 ? Empty : events.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        if (_cache.Count > 10_000)
        {
            _cache.Clear();
        }
        _cache[campaignId] = (frozen, now.AddSeconds(options.Value.KeyCacheSeconds));
        return frozen;
    }

    /// <summary>Forgets the campaign's cached names, e.g. right after they were edited here.</summary>
    public void Invalidate(Guid campaignId) => _cache.TryRemove(campaignId, out _);
}
