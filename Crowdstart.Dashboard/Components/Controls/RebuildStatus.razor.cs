using System.Globalization;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>Shows a metrics rebuild's progress (customers recomputed of the campaign's customers) or its outcome.</summary>
public partial class RebuildStatus
{
    [Parameter, EditorRequired] public required RebuildInfo Rebuild { get; set; }

    private string Definition =>
        string.Join(" → ", Rebuild.Funnel.Select(s => DashboardFormatter.EventName(s.Type))) + $"; cart window {Rebuild.CartWindowSeconds / 60} min";

    private string ProgressText => Rebuild.Status == Pipeline.Accounts.CampaignSettings.Queued || Rebuild.CustomersTotal == 0
        ? "Waiting to start…"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Rebuild.CustomersDone:N0} of {Rebuild.CustomersTotal:N0} customers recomputed ({Rebuild.Progress:P0}), {Rebuild.Events:N0} events read");
}
