using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Pages.Admin;

/// <summary>Admins decide requests, grant and revoke customer-level access. Follows changes by other admins live.</summary>
public partial class DataAccess
{
    private IDisposable? _subscription;
    private List<RequestView>? _pending;
    private List<GrantView>? _grants;
    private List<UserView> _users = [];
    private List<CampaignInfo> _campaigns = [];
    private Guid _me;
    private Guid? _userId;
    private Guid? _campaignId;
    private string? _reason;
    private int _hours;
    private readonly Dictionary<Guid, int> _approveHours = [];
    private bool _includeEnded;
    private string? _message;
    private Severity _messageSeverity = Severity.Success;

    [Inject] public required DataAccessGrants Grants { get; init; }
    [Inject] public required AccessChangeFeed Changes { get; init; }
    [Inject] public required CampaignAccess Access { get; init; }
    [Inject] public required AccountAdmin Accounts { get; init; }
    [Inject] public required CurrentUser User { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _hours = (int)Grants.DefaultDuration.TotalHours;
        var actor = await User.RequireAsync();
        _me = actor.UserId;
        _users = await Accounts.ListAsync(actor);
        _campaigns = await Access.ReadableCampaignsAsync(actor);
        if (RendererInfo.IsInteractive)
        {
            _subscription = Changes.Subscribe((_, _) => RefreshFromCircuitAsync(LoadAsync));
        }
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var actor = await User.RequireAsync();
        _pending = await Grants.PendingRequestsAsync(actor);
        _grants = await Grants.GrantsAsync(actor, _includeEnded);
    }

    private async Task ToggleEndedAsync(bool value)
    {
        _includeEnded = value;
        await LoadAsync();
    }

    /// <summary>The durations a request can be approved for: common ones up to the longest allowed, and the default.</summary>
    private IEnumerable<int> DurationChoices
    {
        get
        {
            var max = (int)Grants.MaxDuration.TotalHours;
            return new[] { 1, 4, 8, 24, 72, 168, 720, (int)Grants.DefaultDuration.TotalHours, max }.Where(h => h <= max).Distinct().Order();
        }
    }

    private static string DurationLabel(int hours) => hours % 24 == 0 && hours >= 48 ? $"{hours / 24} days" : $"{hours} h";

    /// <summary>The duration chosen for this request (the default grant duration until changed).</summary>
    private int ApproveHours(Guid requestId) => _approveHours.GetValueOrDefault(requestId, (int)Grants.DefaultDuration.TotalHours);

    private Task ApproveAsync(Guid requestId) => RunAsync(async actor =>
    {
        var hours = ApproveHours(requestId);
        await Grants.ApproveAsync(actor, requestId, TimeSpan.FromHours(hours));
        _approveHours.Remove(requestId);
        return $"Approved for {DurationLabel(hours)}.";
    });

    private Task DenyAsync(Guid requestId) => RunAsync(async actor =>
    {
        await Grants.DenyAsync(actor, requestId, _reason);
        return "Request denied.";
    });

    private Task GrantAsync() => RunAsync(async actor =>
    {
        if (_userId is not { } user || _campaignId is not { } campaign)
        {
            throw new DomainValidationException("grantee", "Choose a user and a campaign.");
        }
        await Grants.GrantAsync(actor, user, campaign, _reason ?? "", TimeSpan.FromHours(_hours));
        _reason = null;
        return $"Access granted for {_hours} h.";
    });

    private Task RevokeAsync(Guid grantId) => RunAsync(async actor =>
    {
        await Grants.RevokeAsync(actor, grantId);
        return "Grant revoked; open pages of that user lost access.";
    });

    private async Task RunAsync(Func<Actor, Task<string>> action)
    {
        try
        {
            _message = await action(await User.RequireAsync());
            _messageSeverity = Severity.Success;
        }
        catch (DomainException ex)
        {
            _message = ex.Message;
            _messageSeverity = Severity.Error;
        }
        await LoadAsync();
    }

    protected override void OnDispose() => _subscription?.Dispose();
}
