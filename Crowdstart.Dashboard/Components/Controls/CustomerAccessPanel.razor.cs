using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Dashboard.Model;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// The user's customer-level access to a campaign: live grant (with a link to the customers), pending request, or
/// a form to request it. Follows grants and decisions live through <see cref="AccessChangeFeed"/>.
/// </summary>
public partial class CustomerAccessPanel
{
    private IDisposable? _subscription;
    private ITimer? _expiry;
    private bool _loaded;
    private readonly FormAction _request = new();
    private GrantInfo? _grant;
    private AccessRequestInfo? _pending;
    private AccessRequestInfo? _lastDecision;
    private string? _reason;

    [Parameter, EditorRequired] public Guid CampaignId { get; set; }

    [Inject] public required CampaignAccess Access { get; init; }
    [Inject] public required DataAccessGrants Grants { get; init; }
    [Inject] public required AccessChangeFeed Changes { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    private Guid? _userId;

    protected override async Task OnInitializedAsync()
    {
        // Subscribed before the first await, so a panel disposed while loading leaves nothing behind.
        if (RendererInfo.IsInteractive)
        {
            _subscription = Changes.Subscribe((campaign, user) =>
                AccessChangeFeed.Concerns(campaign, user, CampaignId, _userId) ? RefreshFromCircuitAsync(LoadAsync) : Task.CompletedTask);
        }
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var actor = await User.RequireAsync();
        _userId = actor.UserId;
        _grant = await Access.LiveGrantAsync(actor, CampaignId);
        var requests = await Grants.MyRequestsAsync(actor, CampaignId);
        _pending = requests.Select(r => r.Request).FirstOrDefault(r => r.IsPending);
        _lastDecision = requests.Select(r => r.Request).FirstOrDefault(r => !r.IsPending);
        _loaded = true;
        // The panel changes by itself when the grant runs out.
        _expiry?.Dispose();
        _expiry = null;
        if (_grant is { } grant && RendererInfo.IsInteractive && !IsDisposed)
        {
            var due = grant.ExpiresAt - Time.GetUtcNow() + TimeSpan.FromSeconds(1);
            _expiry = Time.CreateTimer(_ => _ = RefreshFromCircuitAsync(LoadAsync), null, due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            if (IsDisposed)
            {
                _expiry.Dispose();
            }
        }
    }

    private Task RequestAsync() => _request.SubmitAsync(async () =>
    {
        await Grants.RequestAsync(await User.RequireAsync(), CampaignId, _reason ?? "");
        _reason = null;
        await LoadAsync();
    });

    protected override void OnDispose()
    {
        _subscription?.Dispose();
        _expiry?.Dispose();
    }
}
