using Crowdstart.Pipeline.Storage;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Cluster;

/// <summary>A cookie or antiforgery token one instance protected is readable by another: the key ring is in PostgreSQL.</summary>
[Layer(TestLayer.Database)]
public sealed class SharedDataProtectionTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    // The same registration the web app makes, in a container of its own per "instance".
    private ServiceProvider Instance()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<CrowdstartDbContext>(o => o.UseNpgsql(db.ConnectionString));
        services.AddDataProtection().SetApplicationName("Crowdstart").PersistKeysToDbContext<CrowdstartDbContext>();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Unprotect_PayloadProtectedByAnotherInstance_ReadsIt()
    {
        // Arrange
        await using var a = Instance();
        await using var b = Instance();
        var purpose = "Microsoft.AspNetCore.Authentication.Cookies";

        // Act
        var ticket = a.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Protect("signed-in as maya");
        var read = b.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Unprotect(ticket);

        // Assert
        Assert.Equal("signed-in as maya", read);
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM data_protection_keys"));
    }
}
