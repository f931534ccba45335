using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components;

/// <summary>
/// Base of pages that show customer-level data. The route policy checks the grant when the page opens; this base
/// keeps checking while it stays open: when the grant is revoked (pushed by <see cref="AccessChangeFeed"/>) or
/// runs out (a timer at its expiry), the data is dropped from the page at once. Data is only read once the
/// circuit is up, never during prerendering: one read (and one audit entry) per view, and no customer data in
/// a cacheable HTML response.
/// </summary>
public abstract class GrantedPageBase : LiveComponentBase
{
    private IDisposable? _subscription;
    private ITimer? _expiry;
    private Guid? _userId;

    [Parameter] public Guid CampaignId { get; set; }

    [Inject] public required CampaignAccess Access { get; init; }
    [Inject] public required AccessChangeFeed AccessChanges { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    /// <summary>True once the grant ended while the page was open; the data has been dropped.</summary>
    protected bool AccessEnded { get; private set; }

    /// <summary>Set when the route names something that cannot exist (e.g. a malformed customer id).</summary>
    protected bool NotFound { get; private set; }

    /// <summary>When the live grant ends.</summary>
    protected DateTimeOffset? GrantExpiresAt { get; private set; }

    protected override void OnInitialized()
    {
        // Subscribed before the first await, so a page disposed while loading can never leave a subscription behind.
        if (RendererInfo.IsInteractive)
        {
            _subscription = AccessChanges.Subscribe((campaign, user) =>
                AccessChangeFeed.Concerns(campaign, user, CampaignId, _userId) ? RefreshFromCircuitAsync(RecheckAsync) : Task.CompletedTask);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        // New route values (another customer) mean new data.
        ClearData();
        NotFound = false;
        await RecheckAsync();
    }

    private async Task RecheckAsync()
    {
        var actor = await User.RequireAsync();
        _userId = actor.UserId;
        var grant = await Access.LiveGrantAsync(actor, CampaignId);
        _expiry?.Dispose();
        _expiry = null;
        if (grant is null)
        {
            AccessEnded = true;
            GrantExpiresAt = null;
            ClearData();
            return;
        }
        GrantExpiresAt = grant.ExpiresAt;
        if (!RendererInfo.IsInteractive || IsDisposed)
        {
            return;
        }
        var due = grant.ExpiresAt - Time.GetUtcNow() + TimeSpan.FromSeconds(1);
        _expiry = Time.CreateTimer(_ => _ = RefreshFromCircuitAsync(RecheckAsync), null, due > TimeSpan.Zero ? due : TimeSpan.Zero,
            Timeout.InfiniteTimeSpan);
        if (IsDisposed)
        {
            _expiry.Dispose();
            return;
        }
        if (AccessEnded || !DataLoaded)
        {
            AccessEnded = false;
            try
            {
                await LoadDataAsync(actor);
            }
            catch (AccessDeniedException)
            {
                AccessEnded = true;
                ClearData();
            }
            catch (DomainValidationException)
            {
                // A malformed id in the address (a customer id that cannot exist) shows as not found.
                NotFound = true;
                ClearData();
            }
        }
    }

    /// <summary>Whether the page's data is on screen.</summary>
    /// <summary>
    /// Reads the data again for the signed-in user (a new search, filter or page), with the same outcomes as the first load:
    /// an ended grant shows as ended, a malformed request as not found.
    /// </summary>
    protected async Task ReloadDataAsync()
    {
        if (AccessEnded || IsDisposed)
        {
            return;
        }
        try
        {
            await LoadDataAsync(await User.RequireAsync());
        }
        catch (AccessDeniedException)
        {
            AccessEnded = true;
            ClearData();
        }
    }

    protected abstract bool DataLoaded { get; }

    /// <summary>Reads the data (through <see cref="CustomerData"/>, which audits the read).</summary>
    protected abstract Task LoadDataAsync(Actor actor);

    /// <summary>Drops every customer-level value from the page.</summary>
    protected abstract void ClearData();

    protected override void OnDispose()
    {
        _subscription?.Dispose();
        _expiry?.Dispose();
    }
}
