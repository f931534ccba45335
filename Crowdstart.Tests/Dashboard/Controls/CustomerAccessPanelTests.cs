using Bunit;
using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Dashboard.Controls;

/// <summary>The customer-access panel follows requests, grants, revocations and expiry live, over real PostgreSQL.</summary>
[Layer(TestLayer.Database)]
public class CustomerAccessPanelTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private DashboardTestContext _ctx = null!;
    private AccountServices _accounts = null!;
    private Guid _creator;
    private Guid _admin;
    private Guid _campaign;

    public async Task InitializeAsync()
    {
        _creator = await db.CreateUserAsync($"panel-{Guid.NewGuid():N}@test.example", db.OrganisationId);
        _admin = await db.CreateUserAsync($"panel-admin-{Guid.NewGuid():N}@test.example");
        _campaign = (await db.Campaigns.CreateCampaignAsync(db.OrganisationId, "panel-" + Guid.NewGuid().ToString("N")[..8], "Panel", "EUR", 1m, DateTimeOffset.UtcNow)).Id;
        _accounts = new AccountServices(db, new FakeTimeProvider(DateTimeOffset.UtcNow));
        _ctx = new DashboardTestContext(ctx =>
        {
            // The panel's expiry timer runs on the fake clock the test moves.
            ctx.UseClock(_accounts.Time);
            ctx.AddAccountServices(_accounts);
            ctx.SignIn(_creator, "creator");
        });
    }

    public async Task DisposeAsync()
    {
        if (_ctx is not null)
        {
            await _ctx.DisposeAsync();
        }
    }

    [Fact]
    public async Task CustomerAccessPanel_GrantGivenThenRevokedThenExpired_FollowsEachChangeWithoutReload()
    {
        var cut = _ctx.Render<CustomerAccessPanel>(p => p.Add(c => c.CampaignId, _campaign));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=request-access]")), Wait);

        var request = await _accounts.Grants.RequestAsync(AccountServices.Creator(_creator), _campaign, "support ticket 4521: pledge failed twice");
        cut.WaitForAssertion(() => Assert.Contains("support ticket 4521", cut.Find("[data-testid=request-pending]").TextContent), Wait);

        var grant = await _accounts.Grants.ApproveAsync(AccountServices.Admin(_admin), request.Id, TimeSpan.FromHours(2));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=open-customers]")), Wait);

        await _accounts.Grants.RevokeAsync(AccountServices.Admin(_admin), grant.Id);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=open-customers]")), Wait);
        Assert.NotEmpty(cut.FindAll("[data-testid=request-access]"));

        await _accounts.Grants.GrantAsync(AccountServices.Admin(_admin), _creator, _campaign, "second look at the refund pattern", TimeSpan.FromMinutes(30));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=open-customers]")), Wait);
        // Nobody publishes anything when a grant runs out: the panel's own timer at the expiry notices.
        _accounts.Time.Advance(TimeSpan.FromMinutes(31));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=open-customers]")), Wait);
    }
}
