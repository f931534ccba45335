using System.Globalization;
using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Services;
using Crowdstart.Dashboard.Utils;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Pages;

/// <summary>
/// A campaign's settings: details and time zone, the metric definition (applied by a rebuild whose progress is shown
/// until it is done), share links, archive and delete. For its managers; the services check again.
/// </summary>
public partial class CampaignSettings : IDisposable
{
    private static readonly TimeSpan ProgressPoll = TimeSpan.FromSeconds(1);
    private PeriodicTimer? _poll;
    private bool _ready;

    [Parameter] public Guid CampaignId { get; set; }

    [Inject] public required CampaignSettingsViewModel Model { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }

    private string? _shareCopied;

    private async Task CopyShareLinkAsync(string url) => _shareCopied = await Clipboard.CopyAsync(JS, url, "share link");

    private string EndLabel => Model.Campaign?.TimeZone is { } zone ? $"End (optional, {zone})" : "End (optional, your local time)";

    private string Local(DateTimeOffset at) => at.ToOffset(Model.Offset).ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture);

    protected override async Task OnParametersSetAsync()
    {
        await Model.LoadAsync(CampaignId);
    }

    /// <summary>Follows the name as it is saved.</summary>
    private List<BreadcrumbItem> Breadcrumbs =>
        [new("Campaigns", DashboardUrls.HomePath), new(Model.Campaign?.Name ?? "Campaign", DashboardUrls.Campaign(CampaignId)), new("Settings", null, disabled: true)];

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || !RendererInfo.IsInteractive)
        {
            return;
        }
        try
        {
            Model.UseBrowserOffset(TimeSpan.FromMinutes(await JS.InvokeAsync<int>("crowdstart.timezoneOffsetMinutes")));
        }
        catch (JSException)
        {
            // Dates stay in UTC.
        }
        _ready = true;
        StateHasChanged();
        _ = PollRebuildAsync();
    }

    /// <summary>Follows a running rebuild's progress; when it finishes the form shows the definition now in force.</summary>
    private async Task PollRebuildAsync()
    {
        _poll = new PeriodicTimer(ProgressPoll);
        try
        {
            while (await _poll.WaitForNextTickAsync())
            {
                if (Model.Rebuild?.IsActive != true)
                {
                    continue;
                }
                var finished = await Model.RefreshRebuildAsync();
                await InvokeAsync(async () =>
                {
                    if (finished)
                    {
                        await Model.LoadAsync(CampaignId, definitionOnly: true);
                    }
                    StateHasChanged();
                });
            }
        }
        catch (ObjectDisposedException)
        {
            // The page is gone.
        }
    }

    private async Task DeleteAsync()
    {
        if (await Model.DeleteAsync())
        {
            Navigation.NavigateTo(DashboardUrls.HomePath);
        }
    }

    public void Dispose()
    {
        _poll?.Dispose();
        GC.SuppressFinalize(this);
    }
}
