using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;

internal sealed class Factory(DbContextOptions<CrowdstartDbContext> options) : IDbContextFactory<CrowdstartDbContext>
{
    public CrowdstartDbContext CreateDbContext() => new(options);
}
