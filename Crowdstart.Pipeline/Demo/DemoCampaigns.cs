using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Pipeline.Demo;

/// <summary>A reward tier a demo visitor may pledge for.</summary>
public sealed record DemoReward(string Name, decimal Amount, double Weight);

/// <summary>A demo campaign, its well-known ingest key and the shape of its traffic.</summary>
public sealed record DemoCampaign(
    Guid Id, Guid OrganisationId, string Slug, string Name, string Currency, decimal Goal, TimeSpan LaunchedAgo, TimeSpan Duration, double TrafficShare,
    IReadOnlyList<(string Source, double Weight)> Sources, IReadOnlyList<DemoReward> Rewards)
{
    /// <summary>Demo keys are well known so README's curl example works; they exist only in demo mode.</summary>
    public string IngestKey => $"cs_demo_{Slug}";
}

/// <summary>A demo organisation.</summary>
public sealed record DemoOrganisation(Guid Id, string Slug, string Name);

/// <summary>The two demo organisations, the three demo campaigns and their seeding.</summary>
public static class DemoCampaigns
{
    public static readonly DemoOrganisation Aurora = new(Guid.Parse("0b5e2a10-4c1d-4e8a-9f00-00000000a001"), "aurora-studio", "Aurora Studio");
    public static readonly DemoOrganisation Trailblazer = new(Guid.Parse("0b5e2a10-4c1d-4e8a-9f00-00000000a002"), "trailblazer-gear", "Trailblazer Gear");
    /// <summary>The finished campaigns the demo's forecasts learn from (<see cref="DemoHistory"/>); no demo account belongs to it.</summary>
    public static readonly DemoOrganisation History = new(Guid.Parse("0b5e2a10-4c1d-4e8a-9f00-00000000a003"), "demo-history", "Finished campaigns (demo history)");
    public static readonly IReadOnlyList<DemoOrganisation> Organisations = [Aurora, Trailblazer, History];

    public static readonly IReadOnlyList<DemoCampaign> All =
    [
        new(Guid.Parse("6a1f3c2e-0b7d-4f7e-9d7a-1c0f5e2a9b01"), Aurora.Id, "aurora-lamp", "Aurora — the sunrise smart lamp", "EUR", 250_000m,
            TimeSpan.FromMinutes(25), TimeSpan.FromDays(30), 1.0,
            [("direct", 30), ("social:twitter", 20), ("social:reddit", 14), ("social:instagram", 8), ("search", 14), ("email", 10), ("referral:gadgetflow.com", 4)],
            [new("early_bird", 49m, 40), new("standard", 69m, 30), new("duo_pack", 129m, 18), new("family_pack", 229m, 8), new("founder", 500m, 4)]),
        new(Guid.Parse("6a1f3c2e-0b7d-4f7e-9d7a-1c0f5e2a9b02"), Aurora.Id, "ember-isles", "Ember Isles — a tabletop adventure", "USD", 400_000m,
            TimeSpan.FromHours(3), TimeSpan.FromDays(35), 0.7,
            [("direct", 25), ("social:reddit", 25), ("social:youtube", 15), ("search", 10), ("email", 20), ("referral:boardgamegeek.com", 5)],
            [new("pdf_edition", 15m, 20), new("core_box", 59m, 45), new("deluxe", 99m, 25), new("all_in", 179m, 10)]),
        new(Guid.Parse("6a1f3c2e-0b7d-4f7e-9d7a-1c0f5e2a9b03"), Trailblazer.Id, "trailblazer-pack", "Trailblazer — the modular hiking pack", "GBP", 150_000m,
            TimeSpan.FromDays(2), TimeSpan.FromDays(30), 0.35,
            [("direct", 35), ("social:facebook", 15), ("social:instagram", 20), ("search", 20), ("email", 10)],
            [new("early_bird", 89m, 30), new("standard", 119m, 50), new("pack_plus_pouches", 159m, 20)]),
    ];

    /// <summary>Creates the demo organisations and campaigns (launch times relative to the first seeding) and their keys.</summary>
    public static async Task SeedAsync(IDbContextFactory<CrowdstartDbContext> contexts, CampaignStore store, TimeProvider time, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var existingOrgs = await db.Organisations.Select(o => o.Id).ToListAsync(ct);
        foreach (var o in Organisations.Where(o => !existingOrgs.Contains(o.Id)))
        {
            db.Organisations.Add(new Storage.Entities.Organisation { Id = o.Id, Slug = o.Slug, Name = o.Name, CreatedAt = time.GetUtcNow() });
        }
        await db.SaveChangesAsync(ct);
        var existing = await db.Campaigns.Select(c => c.Id).ToListAsync(ct);
        foreach (var c in All)
        {
            if (existing.Contains(c.Id))
            {
                // Demo databases from before organisations existed: hand the campaign to its demo organisation; from before
                // forecasts: give it its end date (a forecast needs one).
                await db.Campaigns.Where(x => x.Id == c.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.OrganisationId, c.OrganisationId), ct);
                await db.Campaigns.Where(x => x.Id == c.Id && x.EndAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.EndAt, x => x.LaunchAt + c.Duration), ct);
            }
            else
            {
                // The generator replays up to an hour of history on start; a 65-minute lateness lets that replay
                // count in the live windows instead of showing up as thousands of late events.
                var launch = time.GetUtcNow() - c.LaunchedAgo;
                await store.CreateCampaignAsync(c.OrganisationId, c.Slug, c.Name, c.Currency, c.Goal, launch, c.Id, ct,
                    endAt: launch + c.Duration, allowedLatenessSeconds: 65 * 60);
            }
            await store.EnsureKeyAsync(c.Id, "demo traffic", c.IngestKey, ct);
        }
    }

    /// <summary>Outside demo mode the well-known demo keys must not work.</summary>
    public static async Task RevokeKeysAsync(CampaignStore store, CancellationToken ct)
    {
        foreach (var c in All)
        {
            await store.RevokeKeyAsync(c.IngestKey, ct);
        }
    }
}
