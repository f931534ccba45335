using Crowdstart.Pipeline.Accounts;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Accounts;

[Layer(TestLayer.Database)]
public class CampaignManagementTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private CampaignManagement Management(AccountServices svc) => new(db.Contexts, db.Campaigns, svc.Audit);

    [Fact]
    public async Task Create_CreatorOfOrganisation_CreatesCampaignWithUniqueSlugAndAuditEntry()
    {
        var svc = new AccountServices(db);
        var creator = AccountServices.Creator(await db.CreateUserAsync($"m-{Guid.NewGuid():N}@test.example", db.OrganisationId));
        var request = new NewCampaign(db.OrganisationId, "Solar Kettle", "usd", 12_500m, DateTimeOffset.UtcNow.AddDays(1), null);

        var (first, errors) = await Management(svc).CreateAsync(creator, request);
        var (second, _) = await Management(svc).CreateAsync(creator, request);

        Assert.Empty(errors);
        Assert.Equal("solar-kettle", first!.Slug);
        Assert.Equal("solar-kettle-2", second!.Slug);
        Assert.Equal("USD", first.Currency);
        Assert.True(await svc.Access.CanReadAsync(creator, first.Id));
        Assert.Equal(2, await db.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE action = '{AuditActions.CampaignCreated}' AND actor_user_id = '{creator.UserId}'"));
    }

    [Fact]
    public async Task Create_OtherOrganisationOrBadFields_ReportsEachFieldAndCreatesNothing()
    {
        var svc = new AccountServices(db);
        var outsider = AccountServices.Creator(await db.CreateUserAsync($"o-{Guid.NewGuid():N}@test.example", await db.CreateOrganisationAsync("Elsewhere")));
        var launch = DateTimeOffset.UtcNow;

        var (campaign, errors) = await Management(svc).CreateAsync(outsider, new NewCampaign(db.OrganisationId, "x", "XYZ", 0m, launch, launch.AddDays(-1)));

        Assert.Null(campaign);
        Assert.Equal(["currency", "endAt", "goal", "name", "organisationId"], errors.Keys.Order());
    }
}
