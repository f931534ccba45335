using System.Globalization;
using System.Text.RegularExpressions;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Accounts;

/// <summary>What a creator fills in to start a campaign.</summary>
public sealed record NewCampaign(Guid OrganisationId, string Name, string Currency, decimal Goal, DateTimeOffset LaunchAt, DateTimeOffset? EndAt);

/// <summary>Creators start campaigns in their organisations (admins in any); the creation is audited.</summary>
public sealed partial class CampaignManagement(IDbContextFactory<CrowdstartDbContext> contexts, CampaignStore store, AuditLog audit)
{
    /// <summary>Currencies pledges can be taken in.</summary>
    public static readonly IReadOnlyList<string> Currencies = ["EUR", "USD", "GBP", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "JPY"];

    /// <summary>Creates the campaign; validation problems are reported per field.</summary>
    public async Task<(CampaignInfo? Campaign, IReadOnlyDictionary<string, string[]> Errors)> CreateAsync(Actor actor, NewCampaign request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim() ?? "";
        if (name.Length is < 3 or > 200)
        {
            errors["name"] = ["must be 3 to 200 characters"];
        }
        var currency = request.Currency?.Trim().ToUpperInvariant() ?? "";
        if (!Currencies.Contains(currency))
        {
            errors["currency"] = [$"must be one of {string.Join(", ", Currencies)}"];
        }
        if (request.Goal is <= 0 or > 1_000_000_000m)
        {
            errors["goal"] = ["must be more than 0 and at most 1,000,000,000"];
        }
        if (request.EndAt is { } end && end <= request.LaunchAt)
        {
            errors["endAt"] = ["must be after the launch"];
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var member = await db.OrganisationMembers.AnyAsync(m => m.UserId == actor.UserId && m.OrganisationId == request.OrganisationId, ct);
        if (!member && !(actor.IsAdmin && await db.Organisations.AnyAsync(o => o.Id == request.OrganisationId, ct)))
        {
            errors["organisationId"] = ["is not an organisation you belong to"];
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var slug = await UniqueSlugAsync(db, name, ct);
        var campaign = store.NewCampaign(request.OrganisationId, slug, name, currency, decimal.Round(request.Goal, 2), request.LaunchAt,
            endAt: request.EndAt);
        campaign.CreatedByUserId = actor.AuditUserId;
        db.Campaigns.Add(campaign);
        audit.Add(db, actor, AuditActions.CampaignCreated, campaign.Id, details: $"{name} ({currency} {request.Goal.ToString("N0", CultureInfo.InvariantCulture)})");
        await db.SaveChangesAsync(ct);
        return (CampaignInfo.From(campaign), errors);
    }

    private static async Task<string> UniqueSlugAsync(CrowdstartDbContext db, string name, CancellationToken ct)
    {
        var baseSlug = NonSlug().Replace(name.ToLowerInvariant(), "-").Trim('-');
        baseSlug = baseSlug.Length == 0 ? "campaign" : baseSlug[..Math.Min(60, baseSlug.Length)].Trim('-');
        var slug = baseSlug;
        for (var i = 2; await db.Campaigns.AnyAsync(c => c.Slug == slug, ct); i++)
        {
            slug = $"{baseSlug}-{i}";
        }
        return slug;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}
