using System.Security.Cryptography;
using System.Text;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Storage;

/// <summary>Creates campaigns and their ingest keys.</summary>
public sealed class CampaignStore(IDbContextFactory<CrowdstartDbContext> contexts, TimeProvider time)
{
    /// <summary>Prefix of every ingest key, so leaked keys are recognisable by secret scanners.</summary>
    public const string KeyPrefix = "cs_live_";

    /// <summary>SHA-256 of a key. Keys carry 256 random bits, so a fast hash is enough to make a leaked table useless.</summary>
    public static byte[] HashKey(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public async Task<Campaign> CreateCampaignAsync(string slug, string name, string currency, decimal goal, DateTimeOffset launchAt,
        Guid? id = null, CancellationToken ct = default, Metrics.FunnelDefinition? funnel = null, int cartWindowSeconds = 3600,
        DateTimeOffset? endAt = null, int allowedLatenessSeconds = 600)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(allowedLatenessSeconds, 0);
        (funnel ?? Metrics.FunnelDefinition.Default).Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(cartWindowSeconds, 1);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var campaign = new Campaign
        {
            Id = id ?? Guid.NewGuid(),
            Slug = slug,
            Name = name,
            Currency = currency.ToUpperInvariant(),
            GoalAmount = goal,
            LaunchAt = launchAt.ToUniversalTime(),
            EndAt = endAt?.ToUniversalTime(),
            FunnelJson = (funnel ?? Metrics.FunnelDefinition.Default).ToJson(),
            CartWindowSeconds = cartWindowSeconds,
            AllowedLatenessSeconds = allowedLatenessSeconds,
            CreatedAt = time.GetUtcNow(),
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        return campaign;
    }

    /// <summary>Creates a key and returns its only plaintext copy.</summary>
    public async Task<string> CreateIngestKeyAsync(Guid campaignId, string name, CancellationToken ct = default)
    {
        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        await AddKeyAsync(campaignId, name, key, ct);
        return key;
    }

    /// <summary>
    /// Makes a caller-chosen key exist and be active (demo mode uses well-known keys so README's curl example works).
    /// </summary>
    public async Task EnsureKeyAsync(Guid campaignId, string name, string key, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var hash = HashKey(key);
        if (await db.IngestKeys.FirstOrDefaultAsync(k => k.KeyHash == hash, ct) is { } existing)
        {
            existing.RevokedAt = null;
            await db.SaveChangesAsync(ct);
            return;
        }
        await AddKeyAsync(db, campaignId, name, key, ct);
    }

    /// <summary>Revokes a key given in plain text; it stops working once caches expire.</summary>
    public async Task RevokeKeyAsync(string key, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var hash = HashKey(key);
        await db.IngestKeys.Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedAt, time.GetUtcNow()), ct);
    }

    private async Task AddKeyAsync(Guid campaignId, string name, string key, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await AddKeyAsync(db, campaignId, name, key, ct);
    }

    private async Task AddKeyAsync(CrowdstartDbContext db, Guid campaignId, string name, string key, CancellationToken ct)
    {
        var hash = HashKey(key);
        db.IngestKeys.Add(new IngestKey
        {
            Id = Guid.NewGuid(),
            CampaignId = campaignId,
            Name = name,
            KeyHash = hash,
            Prefix = key[..Math.Min(12, key.Length)],
            CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
    }

    public async Task<List<Campaign>> ListCampaignsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Campaigns.AsNoTracking().OrderBy(c => c.LaunchAt).ThenBy(c => c.Name).ToListAsync(ct);
    }

    public async Task<Campaign?> FindCampaignAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
