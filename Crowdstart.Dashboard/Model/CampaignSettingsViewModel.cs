using System.Globalization;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;

namespace Crowdstart.Dashboard.Model;

/// <summary>One funnel step as the settings form edits it: the event type and its window in minutes.</summary>
public sealed class FunnelStepForm
{
    public string Type { get; set; } = EventTypes.PageView;
    public int WindowMinutes { get; set; } = 30;
}

/// <summary>
/// State of a campaign's settings page: the details form, the metric-definition form and its rebuild's progress,
/// archive and delete, and share links. Field errors come from the services' validation, keyed by field name.
/// </summary>
public sealed class CampaignSettingsViewModel(Pipeline.Accounts.CampaignSettings settings, ShareLinks shareLinks, CurrentUser user, TimeProvider time)
{
    private Guid _campaignId;
    private TimeSpan _browserOffset;

    public CampaignSettingsInfo? Info { get; private set; }
    public CampaignInfo? Campaign => Info?.Campaign;
    public RebuildInfo? Rebuild { get; private set; }

    // Details.
    public string? Name { get; set; }
    public decimal Goal { get; set; }
    /// <summary>End as <c>yyyy-MM-ddTHH:mm</c> in <see cref="Offset"/>, or empty for none.</summary>
    public string? End { get; set; }
    /// <summary>IANA zone, or empty for each viewer's own time.</summary>
    public string TimeZone { get; set; } = "";
    /// <summary>The offset the end date is typed in: the campaign's zone, else the browser's.</summary>
    public TimeSpan Offset { get; set; }

    // Definition.
    public List<FunnelStepForm> Steps { get; private set; } = [];
    public int CartWindowMinutes { get; set; }

    // Share links.
    public string? ShareLabel { get; set; }
    public int ShareDays { get; set; } = 7;
    public List<ShareLinkInfo>? Links { get; private set; }
    /// <summary>The link just created: its token exists nowhere else, so it is shown until the page is left.</summary>
    public string? CreatedSharePath { get; private set; }

    public string DeleteConfirmation { get; set; } = "";

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public FormAction Details { get; } = new();
    public FormAction Definition { get; } = new();
    public FormAction Lifecycle { get; } = new();
    public FormAction Share { get; } = new();
    public string? Saved { get; private set; }

    public bool Has(string field) => Errors.ContainsKey(field);

    public string? ErrorOf(string field) => Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    /// <summary>
    /// Reads the campaign and fills the forms from it; <paramref name="definitionOnly"/> (after a rebuild finished) leaves
    /// the details form as the user may be editing it.
    /// </summary>
    public async Task LoadAsync(Guid campaignId, bool definitionOnly = false)
    {
        _campaignId = campaignId;
        var actor = await user.RequireAsync();
        Info = await settings.GetAsync(actor, campaignId);
        Rebuild = Info.LatestRebuild;
        var c = Info.Campaign;
        var funnel = FunnelDefinition.Parse(c.FunnelJson);
        Steps = [.. funnel.Steps.Select(s => new FunnelStepForm { Type = s.Type, WindowMinutes = (s.WithinSeconds ?? 0) / 60 })];
        CartWindowMinutes = c.CartWindowSeconds / 60;
        if (definitionOnly)
        {
            return;
        }
        Name = c.Name;
        Goal = c.GoalAmount;
        TimeZone = c.TimeZone ?? "";
        Offset = c.OffsetAt(time.GetUtcNow()) ?? _browserOffset;
        End = c.EndAt?.ToOffset(Offset).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        Links = await shareLinks.ListAsync(actor, campaignId);
    }

    /// <summary>
    /// The browser's offset, known after the first render: a campaign without a time zone has its end date typed in it.
    /// Only the offset and the end field follow; anything else the user has typed meanwhile stays.
    /// </summary>
    public void UseBrowserOffset(TimeSpan offset)
    {
        _browserOffset = offset;
        if (Campaign is not { TimeZone: null } c || offset == Offset)
        {
            return;
        }
        var typed = ParseEnd(out var invalid);
        Offset = offset;
        var end = invalid ? null : typed ?? (string.IsNullOrWhiteSpace(End) ? null : c.EndAt);
        End = end?.ToOffset(Offset).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture) ?? End;
    }

    /// <summary>Re-reads the latest rebuild; true when it finished since the last look (the page then reloads the definition).</summary>
    public async Task<bool> RefreshRebuildAsync()
    {
        var wasActive = Rebuild?.IsActive == true;
        Rebuild = await settings.LatestRebuildAsync(await user.RequireAsync(), _campaignId);
        return wasActive && Rebuild?.IsActive != true;
    }

    private DateTimeOffset? ParseEnd(out bool invalid)
    {
        invalid = false;
        if (string.IsNullOrWhiteSpace(End))
        {
            return null;
        }
        if (DateTime.TryParse(End, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Unspecified), Offset).ToUniversalTime();
        }
        invalid = true;
        return null;
    }

    public Task SaveDetailsAsync() => Details.SubmitAsync(async () =>
    {
        Saved = null;
        var end = ParseEnd(out var invalid);
        if (invalid)
        {
            Errors = new Dictionary<string, string[]> { ["endAt"] = ["The end date is not a date."] };
            return;
        }
        await Validated(async () =>
        {
            await settings.UpdateDetailsAsync(await user.RequireAsync(), _campaignId, new CampaignDetails(Name, Goal, end, TimeZone));
            await LoadAsync(_campaignId);
            Saved = "Details saved.";
        });
    });

    public void AddStep() => Steps.Add(new FunnelStepForm
    {
        Type = EventTypes.All.FirstOrDefault(t => Steps.All(s => s.Type != t)) ?? EventTypes.PledgeCompleted,
        WindowMinutes = 30,
    });

    public void RemoveStep(FunnelStepForm step) => Steps.Remove(step);

    public Task ApplyDefinitionAsync() => Definition.SubmitAsync(() => Validated(async () =>
    {
        Saved = null;
        var steps = Steps.Select((s, i) => new FunnelStep(s.Type, i == 0 ? null : s.WindowMinutes * 60)).ToList();
        Rebuild = await settings.ChangeDefinitionAsync(await user.RequireAsync(), _campaignId, new MetricDefinition(steps, CartWindowMinutes * 60));
    }));

    public Task ArchiveAsync() => Lifecycle.SubmitAsync(async () =>
    {
        var actor = await user.RequireAsync();
        _ = Campaign!.IsArchived ? await settings.UnarchiveAsync(actor, _campaignId) : await settings.ArchiveAsync(actor, _campaignId);
        await LoadAsync(_campaignId);
    });

    /// <summary>Deletes the campaign; true when it is gone (the page then leaves).</summary>
    public async Task<bool> DeleteAsync()
    {
        var deleted = false;
        await Lifecycle.SubmitAsync(() => Validated(async () =>
        {
            await settings.DeleteAsync(await user.RequireAsync(), _campaignId, DeleteConfirmation);
            deleted = true;
        }));
        return deleted;
    }

    public Task CreateShareLinkAsync() => Share.SubmitAsync(() => Validated(async () =>
    {
        var actor = await user.RequireAsync();
        var (_, token) = await shareLinks.CreateAsync(actor, _campaignId, ShareLabel, ShareDays);
        CreatedSharePath = Utils.DashboardUrls.Shared(token);
        ShareLabel = null;
        Links = await shareLinks.ListAsync(actor, _campaignId);
    }));

    public async Task RevokeShareLinkAsync(Guid id)
    {
        await Share.RunAsync(async () =>
        {
            var actor = await user.RequireAsync();
            await shareLinks.RevokeAsync(actor, _campaignId, id);
            Links = await shareLinks.ListAsync(actor, _campaignId);
        });
    }

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Runs a submission, keeping its field errors for the form (and clearing those of the last attempt).</summary>
    private async Task Validated(Func<Task> submit)
    {
        Errors = new Dictionary<string, string[]>();
        try
        {
            await submit();
        }
        catch (DomainValidationException ex)
        {
            Errors = new Dictionary<string, string[]>(ex.ErrorsByField());
            throw;
        }
    }
}
