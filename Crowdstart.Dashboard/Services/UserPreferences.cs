using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crowdstart.Dashboard.Services;

/// <summary>Per-user dashboard settings, stored with the account so they follow the user to any browser.</summary>
public sealed class UserPreferences(IDbContextFactory<CrowdstartDbContext> contexts)
{
    /// <summary>Launches are watched for hours, often on a second screen: dark unless the user chose light.</summary>
    public const bool DefaultDarkMode = true;

    public async Task<bool> DarkModeAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Users.Where(u => u.Id == userId).Select(u => u.PrefersDarkMode).FirstOrDefaultAsync(ct) ?? DefaultDarkMode;
    }

    public async Task SetDarkModeAsync(Guid userId, bool dark, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.PrefersDarkMode, dark), ct);
    }
}
