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

    /// <summary>Creates a campaign owned by <paramref name="organisationId"/>.</summary>
    public async Task<Campaign> CreateCampaignAsync(Guid organisationId, string slug, string name, string currency, decimal goal, DateTimeOffset launchAt,
        Guid? id = null, CancellationToken ct = default, Events.FunnelDefinition? funnel = null, int cartWindowSeconds = 3600,
        DateTimeOffset? endAt = null, int allowedLatenessSeconds = 600)
    {
        var campaign = NewCampaign(organisationId, slug, name, currency, goal, launchAt, id, funnel, cartWindowSeconds, endAt, allowedLatenessSeconds);
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        return campaign;
    }

    /// <summary>A validated campaign row, to add to a context (callers that write more in the same transaction).</summary>
    public Campaign NewCampaign(Guid organisationId, string slug, string name, string currency, decimal goal, DateTimeOffset launchAt,
        Guid? id = null, Events.FunnelDefinition? funnel = null, int cartWindowSeconds = 3600, DateTimeOffset? endAt = null,
        int allowedLatenessSeconds = 600)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(allowedLatenessSeconds, 0);
        (funnel ?? Events.FunnelDefinition.Default).Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(cartWindowSeconds, 1);
        return new Campaign
        {
            Id = id ?? Guid.NewGuid(),
            OrganisationId = organisationId,
            Slug = slug,
            Name = name,
            Currency = currency.ToUpperInvariant(),
            GoalAmount = goal,
            LaunchAt = launchAt.ToUniversalTime(),
            EndAt = endAt?.ToUniversalTime(),
            FunnelJson = (funnel ?? Events.FunnelDefinition.Default).ToJson(),
            CartWindowSeconds = cartWindowSeconds,
            AllowedLatenessSeconds = allowedLatenessSeconds,
            CreatedAt = time.GetUtcNow(),
        };
    }

    /// <summary>The id of the organisation with <paramref name="slug"/>, created when missing (tools and benchmarks).</summary>
    public async Task<Guid> EnsureOrganisationAsync(string slug, string name, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Organisations.Where(o => o.Slug == slug).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct) is { } id)
        {
            return id;
        }
        var org = new Organisation { Id = Guid.NewGuid(), Slug = slug, Name = name, CreatedAt = time.GetUtcNow() };
        db.Organisations.Add(org);
        await db.SaveChangesAsync(ct);
        return org.Id;
    }

    /// <summary>Creates a key and returns its only plaintext copy.</summary>
    public async Task<string> CreateIngestKeyAsync(Guid campaignId, string name, CancellationToken ct = default)
    {
        var key = NewKey();
        await AddKeyAsync(campaignId, name, key, ct);
        return key;
    }

    /// <summary>A fresh random key (256 bits) with the recognisable prefix.</summary>
    public static string NewKey() => KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A key row for <paramref name="key"/>, to add to a context.</summary>
    public IngestKey NewKeyRow(Guid campaignId, string name, string key, Guid? createdBy = null) => new()
    {
        Id = Guid.NewGuid(),
        CampaignId = campaignId,
        Name = name,
        KeyHash = HashKey(key),
        Prefix = key[..Math.Min(12, key.Length)],
        CreatedAt = time.GetUtcNow(),
        CreatedByUserId = createdBy,
    };

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
        db.IngestKeys.Add(NewKeyRow(campaignId, name, key));
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

    /// <summary>URL-safe base64 without padding (keys and tokens travel in headers and URLs).</summary>
    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
