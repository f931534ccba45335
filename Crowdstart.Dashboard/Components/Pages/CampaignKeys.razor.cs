using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Utils;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Ingestion;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Pages;

/// <summary>
/// A campaign's ingest keys and connection set-up: the campaign id and ready-to-paste snippets (our API, Segment's batch
/// endpoint, the Segment Node client), last event per key and per campaign, keys (create, shown once; revoke, confirmed
/// when the key brought events within the hour), the last rejected events with their reasons, and the campaign's own
/// Segment event names.
/// </summary>
public partial class CampaignKeys
{
    /// <summary>Rejected events listed (the store keeps <c>Ingestion:RejectedEventsPerCampaign</c>).</summary>
    public const int RejectedShown = 50;

    /// <summary>What a Segment event name may map to: our event types, or ignore.</summary>
    public static readonly IReadOnlyList<string> MappingTargets = [.. EventTypes.All, SegmentMapper.Ignore];

    private OneTimeSecrets<IngestKeyInfo> _keys = null!;
    private List<BreadcrumbItem> _breadcrumbs = [];
    private List<RejectedEventInfo>? _rejected;
    private List<MappingRow> _mappings = [];
    private readonly FormAction _mappingForm = new();
    private bool _mappingsSaved;
    private DateTimeOffset _now;
    private DateTimeOffset? _lastEvent;
    private string? _lastEventTitle;
    private string? _copied;

    [Parameter] public Guid CampaignId { get; set; }

    [Inject] public required IngestKeys Keys { get; init; }
    [Inject] public required IngestConnection Connection { get; init; }
    [Inject] public required CampaignAccess Campaigns { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    /// <summary>One editable mapping row.</summary>
    public sealed class MappingRow
    {
        public string? Event { get; set; }
        public string Type { get; set; } = EventTypes.PledgeCompleted;
    }

    protected override void OnInitialized() =>
        _keys = new(User, actor => Keys.ListAsync(actor, CampaignId), async (actor, name) =>
        {
            var (key, plaintext) = await Keys.CreateAsync(actor, CampaignId, name);
            return (key.Name, plaintext);
        }, (actor, id) => Keys.RevokeAsync(actor, CampaignId, id));

    protected override async Task OnParametersSetAsync()
    {
        var campaign = await Campaigns.FindAsync(CampaignId);
        _breadcrumbs = [new("Campaigns", DashboardUrls.HomePath), new(campaign?.Name ?? "Campaign", DashboardUrls.Campaign(CampaignId)), new("Ingest keys", null, disabled: true)];
        await RefreshAsync();
        var actor = await User.RequireAsync();
        _mappings = [.. (await Connection.MappingsAsync(actor, CampaignId)).Select(m => new MappingRow { Event = m.Event, Type = m.Type })];
    }

    private async Task RefreshAsync()
    {
        await _keys.LoadAsync();
        _rejected = await Connection.RejectedAsync(await User.RequireAsync(), CampaignId);
        _now = Time.GetUtcNow();
        _lastEvent = _keys.Items?.Max(k => k.LastEventAt);
        _lastEventTitle = _lastEvent?.ToString("u");
    }

    private Task CreateAsync() => _keys.CreateAsync();

    private async Task RevokeAsync(IngestKeyInfo key)
    {
        _now = Time.GetUtcNow();
        if (ConnectionSnippets.RecentlyUsed(key.LastEventAt, _now))
        {
            var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke a key in use?",
                $"The key \"{key.Name}\" brought events {ConnectionSnippets.Ago(key.LastEventAt, _now)}. Revoking it stops them at once: " +
                "every request with it is refused from now on.", yesText: "Revoke", cancelText: "Keep the key");
            if (confirmed != true)
            {
                return;
            }
        }
        await _keys.RevokeAsync(key.Id);
        await RefreshAsync();
    }

    private Task SaveMappingsAsync() => _mappingForm.SubmitAsync(async () =>
    {
        _mappingsSaved = false;
        var saved = await Connection.SetMappingsAsync(await User.RequireAsync(), CampaignId,
            [.. _mappings.Where(m => !string.IsNullOrWhiteSpace(m.Event)).Select(m => new SegmentEventMappingInfo(m.Event!, m.Type))]);
        _mappings = [.. saved.Select(m => new MappingRow { Event = m.Event, Type = m.Type })];
        _mappingsSaved = true;
    });

    private Task CopyCampaignIdAsync() => CopyAsync(CampaignId.ToString(), "campaign id");

    private async Task CopyAsync(string text, string what) => _copied = await Clipboard.CopyAsync(JS, text, what);
}
