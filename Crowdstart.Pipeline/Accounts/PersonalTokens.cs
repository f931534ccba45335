using System.Security.Cryptography;
using System.Text;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>
/// Personal API tokens: a user creates one for a script (shown once, only its SHA-256 hash is kept), with an expiry of
/// at most a year; it can be revoked at any time. A token acts as its user, with the user's current rights, on the
/// read-only programmatic routes only (the web app enforces which).
/// </summary>
public sealed class PersonalTokens(IDbContextFactory<CrowdstartDbContext> contexts, AuditLog audit, TimeProvider time)
{
    /// <summary>Every token starts with this, so a leaked one is recognisable (and told apart from ingest keys).</summary>
    public const string Prefix = "cs_pat_";

    /// <summary>Lifetimes a user may choose, in days.</summary>
    public static readonly IReadOnlyList<int> LifetimeDays = [7, 30, 90, 365];

    /// <summary>Most live tokens one user may hold.</summary>
    public const int MaxActivePerUser = 20;

    // "Last used" is a hint for people, not an audit record: written at most once per interval per token.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>The actor's own tokens, newest first (hashes never leave this class).</summary>
    public async Task<List<PersonalTokenInfo>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tokens = await db.PersonalTokens.AsNoTracking().Where(t => t.UserId == actor.UserId).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        var stamp = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.SecurityStamp).SingleOrDefaultAsync(ct);
        return tokens.ConvertAll(t => PersonalTokenInfo.From(t, superseded: t.SecurityStamp != stamp));
    }

    /// <summary>Creates a named token valid for <paramref name="days"/>; returns it in plain text, the only time it is shown.</summary>
    public async Task<(PersonalTokenInfo Token, string Plaintext)> CreateAsync(Actor actor, string name, int days, CancellationToken ct = default)
    {
        if (actor.AuditUserId is null)
        {
            throw new AccessDeniedException("Only people can hold API tokens.");
        }
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is < 1 or > 100)
        {
            throw new DomainValidationException(nameof(name), "A token needs a name of 1 to 100 characters.");
        }
        if (!LifetimeDays.Contains(days))
        {
            throw new DomainValidationException(nameof(days), $"A token lives {string.Join(", ", LifetimeDays)} days.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var stamp = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.SecurityStamp).SingleOrDefaultAsync(ct)
            ?? throw new AccessDeniedException("Unknown account.");
        if (await db.PersonalTokens.CountAsync(t => t.UserId == actor.UserId && t.RevokedAt == null && t.ExpiresAt > now, ct) >= MaxActivePerUser)
        {
            throw new ConflictException($"You already have {MaxActivePerUser} live tokens; revoke one first.");
        }
        var plaintext = Prefix + CampaignStore.Base64Url(RandomNumberGenerator.GetBytes(32));
        var row = new PersonalToken
        {
            Id = Guid.NewGuid(),
            UserId = actor.UserId,
            Name = trimmed,
            TokenHash = Hash(plaintext),
            Prefix = plaintext[..12],
            CreatedAt = now,
            ExpiresAt = now.AddDays(days),
            SecurityStamp = stamp,
        };
        db.PersonalTokens.Add(row);
        audit.Add(db, actor, AuditActions.PersonalTokenCreated, details: $"{trimmed} ({row.Prefix}…), expires {row.ExpiresAt:yyyy-MM-dd}");
        await db.SaveChangesAsync(ct);
        return (PersonalTokenInfo.From(row, superseded: false), plaintext);
    }

    /// <summary>Revokes one of the actor's own tokens now (revoking twice is harmless).</summary>
    public async Task RevokeAsync(Actor actor, Guid tokenId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Someone else's token is "unknown": ids of other people's tokens are not confirmed.
        var token = await db.PersonalTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.UserId == actor.UserId, ct)
            ?? throw new NotFoundException("Unknown token.");
        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.GetUtcNow();
            audit.Add(db, actor, AuditActions.PersonalTokenRevoked, details: $"{token.Name} ({token.Prefix}…)");
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// The live token <paramref name="plaintext"/> names (not revoked, not expired), or null. Every request looks it
    /// up afresh, so a revocation takes effect on the next request.
    /// </summary>
    public async Task<PersonalToken?> FindLiveAsync(string plaintext, CancellationToken ct = default)
    {
        if (!plaintext.StartsWith(Prefix, StringComparison.Ordinal) || plaintext.Length > 100)
        {
            return null;
        }
        var hash = Hash(plaintext);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var token = await db.PersonalTokens.FirstOrDefaultAsync(t => t.TokenHash == hash && t.RevokedAt == null && t.ExpiresAt > now, ct);
        if (token is null)
        {
            return null;
        }
        if (token.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            token.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        token.TokenHash = [];
        return token;
    }

    /// <summary>Whether the token is still live (long-lived connections re-check it; the account's stamp is checked by the caller).</summary>
    public async Task<bool> IsLiveAsync(Guid tokenId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.PersonalTokens.AnyAsync(t => t.Id == tokenId && t.RevokedAt == null && t.ExpiresAt > now, ct);
    }

    private static byte[] Hash(string plaintext) => SHA256.HashData(Encoding.UTF8.GetBytes(plaintext));
}
