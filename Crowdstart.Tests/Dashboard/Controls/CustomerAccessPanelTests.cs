using System.Security.Claims;
using Bunit;
using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Crowdstart.Tests.Dashboard.Controls;

/// <summary>The customer-access panel follows requests, grants, revocations and expiry live, over real PostgreSQL.</summary>
[Layer(TestLayer.Database)]
public class CustomerAccessPanelTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly BunitContext _ctx = new();
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
        _ctx.Services.AddMudServices();
        _ctx.Services.AddSingleton<TimeProvider>(_accounts.Time);
        _ctx.Services.AddSingleton(_accounts.Access);
        _ctx.Services.AddSingleton(_accounts.Grants);
        _ctx.Services.AddSingleton(_accounts.Changes);
        _ctx.Services.AddSingleton<DashboardFormatter>();
        _ctx.Services.AddScoped<CurrentUser>();
        var auth = _ctx.AddAuthorization();
        auth.SetAuthorized("creator");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, _creator.ToString()));
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

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
