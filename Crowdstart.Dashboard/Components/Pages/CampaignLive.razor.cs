using Crowdstart.Dashboard.Utils;
using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Metrics;
using Crowdstart.Pipeline.Recommendations;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Pages;

/// <summary>
/// A campaign's live page. Subscribes to <see cref="CampaignLiveSource"/> for the campaign and the range in the URL:
/// the source computes each view once for everyone watching and throttles it (at most four a second), and the page
/// renders it through the circuit's dispatcher. Charts update their series in place.
/// </summary>
public partial class CampaignLive : LiveComponentBase
{
    private IDisposable? _subscription;
    private IDisposable? _accessSubscription;
    private List<BreadcrumbItem> _breadcrumbs = [];
    private (Guid Id, LiveRange Range)? _watching;
    private LiveRange _range;
    private TimeSpan _offset = TimeZoneInfo.Local.BaseUtcOffset;
    private TimeSpan? _campaignOffset;
    private bool _hasGrant;
    private CustomerFeedSession? _feedSession;
    private IReadOnlyList<FeedEvent>? _customerFeed;
    private Guid? _userId;
    private readonly Dictionary<string, DateTimeOffset> _dismissedAt = [];
    private string? _recommendationError;

    [Parameter] public Guid CampaignId { get; set; }

    /// <summary>The time range, kept in the URL so a link or a reload shows the same view.</summary>
    [SupplyParameterFromQuery(Name = "range")] public string? RangeQuery { get; set; }

    [CascadingParameter(Name = "DarkMode")] public bool DarkMode { get; set; }

    [Inject] public required CampaignLiveViewModel Model { get; init; }
    [Inject] public required CampaignComparisonViewModel Comparison { get; init; }
    [Inject] public required CampaignLiveSource Source { get; init; }
    [Inject] public required CustomerData Customers { get; init; }
    [Inject] public required AccessChangeFeed AccessChanges { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required ILogger<CampaignLive> Logger { get; init; }

    private IReadOnlyList<FeedEvent> FeedRows => _customerFeed ?? Model.View?.Feed ?? [];

    protected override void OnInitialized()
    {
        if (RendererInfo.IsInteractive)
        {
            // A grant given or taken while the page is open shows or hides the customer-id switch (and drops the ids).
            _accessSubscription = AccessChanges.Subscribe((campaign, user) =>
                AccessChangeFeed.Concerns(campaign, user, CampaignId, _userId) ? RefreshFromCircuitAsync(RecheckGrantAsync) : Task.CompletedTask);
        }
    }

    /// <summary>Loads and subscribes for the campaign and range in the URL; again when either changes.</summary>
    protected override async Task OnParametersSetAsync()
    {
        _range = LiveRanges.Parse(RangeQuery);
        if (_watching == (CampaignId, _range))
        {
            return;
        }
        var campaignChanged = _watching?.Id != CampaignId;
        var watched = (CampaignId, _range);
        _watching = watched;
        _subscription?.Dispose();
        _subscription = null;
        if (campaignChanged)
        {
            CloseFeedSession();
            _hasGrant = false;
            await Model.LoadAsync(CampaignId);
            _breadcrumbs = [new("Campaigns", DashboardUrls.HomePath), new(Model.Campaign?.Name ?? "Campaign", null, disabled: true)];
            // A campaign with a time zone shows its times in it; otherwise in the viewer's own (set after the first render).
            _campaignOffset = Model.Campaign?.OffsetAt(Model.Now);
            _offset = _campaignOffset ?? _offset;
            _userId = (await User.GetAsync())?.UserId;
            var hasGrant = await Model.HasLiveGrantAsync();
            // Parameters may have changed again (another range or campaign) or the page may be gone while this
            // awaited: that newer call owns the page now.
            if (IsDisposed || _watching != watched)
            {
                return;
            }
            _hasGrant = hasGrant;
            if (Model.Campaign is { } loaded)
            {
                await Comparison.LoadAsync(loaded);
            }
        }
        if (Model.Campaign?.Id != CampaignId)
        {
            return;
        }
        if (RendererInfo.IsInteractive)
        {
            _subscription?.Dispose();
            _subscription = Source.Subscribe(CampaignId, _range, view => RefreshFromCircuitAsync(async () =>
            {
                // A view that arrives after the user switched range or campaign belongs to the old subscription.
                if (_watching == watched)
                {
                    Model.Apply(view);
                    await RefreshCustomerFeedAsync();
                    await Comparison.RefreshAsync();
                }
            }));
        }
        else if (await Source.ComputeAsync(CampaignId, _range) is { } first && _watching == watched)
        {
            // Prerendered HTML carries the figures too: the page is readable before the circuit connects.
            Model.Apply(first);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive && _campaignOffset is null)
        {
            try
            {
                var minutes = await JS.InvokeAsync<int>("crowdstart.timezoneOffsetMinutes");
                if (TimeSpan.FromMinutes(minutes) != _offset)
                {
                    _offset = TimeSpan.FromMinutes(minutes);
                    StateHasChanged();
                }
            }
            catch (JSException)
            {
                // Times stay in the server's zone.
            }
        }
    }

    /// <summary>
    /// What the range-following panels cover: the range, or plainly "since launch" when the campaign is younger than the
    /// range and the range starts at its launch.
    /// </summary>
    private string RangeLabel => _range == LiveRange.SinceLaunch ? "since launch"
        : Model.RangeStartsAtLaunch ? $"since launch ({Format.Duration(Model.SinceLaunch)}, less than {_range.Label()})" : _range.Label();

    private string TopNetwork(SocialAmplification social) =>
        social.ByNetwork.OrderByDescending(kv => kv.Value).FirstOrDefault() is { Key: { } network, Value: > 0 } ? $" · top: {Format.SourceLabel("social:" + network)}" : "";

    /// <summary>
    /// The view's recommendations, less those dismissed here until a view computed after the dismissal arrives (the source
    /// recomputes at once), so the card goes when the button is pressed rather than a moment later.
    /// </summary>
    private IReadOnlyList<Recommendation>? VisibleRecommendations => Model.View is { Recommendations: { } list } view
        ? [.. list.Where(r => !(_dismissedAt.TryGetValue(r.RuleKey, out var at) && view.At <= at))]
        : null;

    private async Task DismissRecommendationAsync(Recommendation recommendation)
    {
        try
        {
            var dismissal = await Source.DismissRecommendationAsync(await User.RequireAsync(), CampaignId, recommendation.RuleKey);
            _dismissedAt[recommendation.RuleKey] = dismissal.At;
            _recommendationError = null;
        }
        catch (DomainException ex)
        {
            _recommendationError = ex.Message;
        }
    }

    private Task SelectComparisonAsync(Guid? otherId) => Comparison.SelectAsync(otherId);

    private void SetLaunchAnchored(bool value) => Model.SetLaunchAnchored(value);

    private async Task RecheckGrantAsync()
    {
        _hasGrant = await Model.HasLiveGrantAsync();
        if (!_hasGrant)
        {
            CloseFeedSession();
        }
    }

    private async Task ToggleCustomerIdsAsync(bool show)
    {
        CloseFeedSession();
        if (!show || Model.Campaign is not { } campaign)
        {
            return;
        }
        try
        {
            var session = await Customers.OpenFeedAsync(await User.RequireAsync(), campaign.Id, CampaignLiveSource.FeedRows);
            // Only if the page still shows that campaign and nobody switched the ids off meanwhile.
            if (!IsDisposed && Model.Campaign?.Id == session.CampaignId && _feedSession is null)
            {
                _feedSession = session;
                _customerFeed = session.First;
            }
        }
        catch (AccessDeniedException)
        {
            _hasGrant = false;
        }
    }

    private async Task RefreshCustomerFeedAsync()
    {
        if (_feedSession is not { } session)
        {
            _customerFeed = null;
            return;
        }
        try
        {
            var rows = await session.ReadAsync(CampaignLiveSource.FeedRows);
            // The ids are switched off, or another session started, while this read ran: drop its rows.
            if (ReferenceEquals(session, _feedSession))
            {
                _customerFeed = rows;
            }
        }
        catch (AccessDeniedException)
        {
            // The grant ended or changed: back to aggregate-level rows at once.
            CloseFeedSession();
            _hasGrant = await Model.HasLiveGrantAsync();
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            // Keep the page rendering (with its stale-figures warning); no ids beyond the last read are shown.
            Logger.LogWarning(ex, "Customer feed refresh failed");
        }
    }

    private void CloseFeedSession()
    {
        _feedSession = null;
        _customerFeed = null;
    }

    protected override void OnDispose()
    {
        _subscription?.Dispose();
        _accessSubscription?.Dispose();
    }
}
