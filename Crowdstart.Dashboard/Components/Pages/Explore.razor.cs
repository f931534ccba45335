using Crowdstart.Dashboard.Utils;
using System.Diagnostics;
using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Query;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace Crowdstart.Dashboard.Components.Pages;

/// <summary>
/// Ad-hoc exploration of raw events: a query builder over <see cref="ExploreService"/> (the same rules as
/// <c>POST /api/v1/query</c>), a sortable paged table, a chart chosen from the result's shape, CSV export, the query
/// in the URL (a shared link runs it for the recipient, with their own access), and the user's recent queries.
/// Queries run only once the circuit is up (never while prerendering), show their elapsed time against the limit
/// and can be cancelled, which cancels the statement in PostgreSQL too.
/// </summary>
public partial class Explore : IAsyncDisposable
{
    private List<CampaignInfo>? _campaigns;
    private ExplorerForm _form = new();
    private List<RecentQueryInfo>? _recent;
    private ExplorerResultView? _result;
    private ExplorerChart? _chart;
    private int _chartKey;
    private int _chartMeasure = -1;
    private int? _sortColumn;
    private bool _sortDescending;
    private bool _running;
    private TimeSpan _elapsed;
    private TimeSpan _limit;
    private List<string>? _errors;
    private string? _notice;
    private CancellationTokenSource? _cts;
    private string? _appliedQuery;
    private IJSObjectReference? _module;
    private bool _disposed;

    /// <summary>The query, as <see cref="ExplorerForm.Encode"/> wrote it.</summary>
    [SupplyParameterFromQuery(Name = "q")] public string? Query { get; set; }

    [CascadingParameter(Name = "DarkMode")] public bool DarkMode { get; set; }

    [Inject] public required ExploreService Explorer { get; init; }
    [Inject] public required RecentQueries Recent { get; init; }
    [Inject] public required CampaignAccess Access { get; init; }
    [Inject] public required QueryCompiler Compiler { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required IOptions<ExploreOptions> Options { get; init; }
    [Inject] public required ILogger<Explore> Logger { get; init; }
    [Inject] public required IOptions<Crowdstart.Pipeline.Log.LogOptions> Log { get; init; }
    [Inject] public required Crowdstart.Pipeline.Observability.PipelineLagMonitor Lag { get; init; }

    private IReadOnlyList<string> Dimensions { get; set; } = QueryFields.Dimensions;
    private IReadOnlyList<string> FilterFields { get; set; } = QueryFields.FilterFields;

    private IEnumerable<ResultRow> SortedRows =>
        (_result is null ? [] : _sortColumn is { } column ? _result.Sorted(column, _sortDescending) : _result.Rows).Select(r => new ResultRow(r));

    /// <summary>A row of the result table (a type of its own: the table's generic argument cannot be a nullable array).</summary>
    private sealed record ResultRow(object?[] Cells);

    protected override async Task OnInitializedAsync()
    {
        _limit = TimeSpan.FromSeconds(Math.Max(1, Options.Value.StatementTimeoutSeconds));
        var properties = Compiler.AllowedPropertyNames().Select(p => QueryFields.PropertyPrefix + p).ToList();
        Dimensions = [.. QueryFields.Dimensions, .. properties];
        FilterFields = [.. QueryFields.FilterFields, .. properties];
        var actor = await User.RequireAsync();
        _campaigns = [.. (await Access.ReadableCampaignsAsync(actor)).OrderByDescending(c => c.LaunchAt)];
        if (RendererInfo.IsInteractive)
        {
            _recent = await Recent.ListAsync(actor);
        }
    }

    protected override void OnParametersSet()
    {
        if (_appliedQuery == Query && _appliedQuery is not null || _campaigns is null)
        {
            return;
        }
        _appliedQuery = Query;
        if (ExplorerForm.Decode(Query, out var error) is { } form)
        {
            _form = form;
            _errors = null;
            if (!RendererInfo.IsInteractive)
            {
                return;
            }
            // A shared link runs at once for whoever opens it, with their own access; except one that reads
            // customer ids: that is a drill-down under the opener's grant, audited in their name, so they choose it.
            if (QueryFields.ReadsCustomers(form.ToQuery(Time.GetUtcNow())))
            {
                _notice = "This query reads customer ids: press Run to run it under your data-access grant (the read is audited).";
            }
            else
            {
                _ = RunCurrentAsync();
            }
        }
        else
        {
            _errors = error is null ? null : [error];
            if (_form.Campaigns.Count == 0 && _campaigns.Count > 0)
            {
                _form.Campaigns = [_campaigns[0].Id];
            }
        }
    }

    private async Task RunAsync()
    {
        var encoded = _form.Encode();
        if (encoded == Query || encoded.Length > ExplorerForm.MaxEncodedLength)
        {
            // A form too long for a link still runs; only sharing it is not possible.
            await RunCurrentAsync(shareable: encoded.Length <= ExplorerForm.MaxEncodedLength);
            return;
        }
        // The URL changes first, so the address bar always holds the query on screen; the new parameter runs it.
        Navigation.NavigateTo(DashboardUrls.Explore(encoded));
    }

    private async Task RunCurrentAsync(bool shareable = true)
    {
        _cts?.Cancel();
        using var cts = new CancellationTokenSource();
        _cts = cts;
        _running = true;
        _errors = null;
        _notice = null;
        _elapsed = TimeSpan.Zero;
        var watch = Stopwatch.StartNew();
        StateHasChanged();
        var ticker = TickAsync(watch, cts.Token);
        // What runs is fixed now: the builder stays editable while the query runs.
        var query = _form.ToQuery(Time.GetUtcNow());
        var names = _campaigns!.ToDictionary(c => c.Id, c => c.Name);
        var encoded = _form.Encode();
        var summary = _form.Summary(id => names.GetValueOrDefault(id, "unknown campaign"));
        try
        {
            var actor = await User.RequireAsync();
            var result = await Explorer.RunAsync(actor, query, cts.Token);
            if (_cts != cts)
            {
                return; // a newer run (another URL) owns the page
            }
            var currencies = _campaigns!.Where(c => query.Campaigns.Contains(c.Id)).Select(c => c.Currency).Distinct().ToList();
            _result = new ExplorerResultView(result, names, currencies.Count == 1 ? currencies[0] : null, Format);
            _sortColumn = null;
            _chartMeasure = _result.FirstMeasure;
            _freshness = await FreshnessAsync(cts.Token);
            DrawChart();
            if (!shareable)
            {
                _notice = "This query is too long to share as a link; it ran here.";
            }
            await RememberAsync(actor, query, encoded, summary);
        }
        catch (QueryValidationException ex)
        {
            _errors = [.. ex.Errors.Select(e => $"{ExplorerLabels.FieldName(e.Field)}: {e.Reason}")];
        }
        catch (DomainException ex)
        {
            _errors = [ex.Message];
        }
        catch (Exception) when (cts.IsCancellationRequested)
        {
            if (_cts == cts && !_disposed)
            {
                _notice = "Query cancelled.";
            }
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Explorer query failed");
            _errors = ["The query could not be run just now; try again in a moment."];
        }
        finally
        {
            if (_cts == cts)
            {
                _running = false;
                _cts = null;
            }
            await cts.CancelAsync();
            await ticker;
            if (!_disposed)
            {
                await InvokeAsync(StateHasChanged);
            }
        }
    }

    private string? _freshness;

    /// <summary>How fresh the raw events are (see <see cref="ExplorerFreshness"/>); the backlog is read only on JetStream.</summary>
    private async Task<string> FreshnessAsync(CancellationToken ct)
    {
        IReadOnlyList<Crowdstart.Pipeline.Observability.PartitionLag>? lag = null;
        if (Log.Value.Engine == Crowdstart.Pipeline.Log.LogEngine.JetStream)
        {
            try
            {
                lag = await Lag.ReadAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Logger.LogDebug(ex, "Could not read the pipeline backlog for the explorer");
            }
        }
        return ExplorerFreshness.Describe(Log.Value.Engine, lag, Format);
    }

    /// <summary>Adds the query to the user's recent ones; a failure there is logged, never shown as a failed query.</summary>
    private async Task RememberAsync(Actor actor, ExploreQuery query, string encoded, string summary)
    {
        try
        {
            await Recent.RememberAsync(actor, query, encoded, summary);
            _recent = await Recent.ListAsync(actor);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogWarning(ex, "Could not remember an explorer query");
        }
    }

    /// <summary>Elapsed time on screen while the query runs (four times a second).</summary>
    private async Task TickAsync(Stopwatch watch, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                _elapsed = watch.Elapsed;
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException)
        {
            // The query ended.
        }
    }

    private void Cancel() => _cts?.Cancel();

    private void AddFilter() => _form.Filters.Add(new ExplorerFilter());

    private async Task SortBy(int column)
    {
        var descending = _sortColumn == column ? !_sortDescending : _result!.Columns[column].IsMeasure;
        if (_result!.Truncated)
        {
            // The rows on screen are not all rows: the database sorts, then cuts.
            _form.SortBy = _result.Columns[column].Name;
            _form.Descending = descending;
            await RunAsync();
            return;
        }
        _sortDescending = descending;
        _sortColumn = column;
        DrawChart();
    }

    private void SetChartMeasure(int measure)
    {
        _chartMeasure = measure;
        DrawChart();
    }

    private void DrawChart()
    {
        if (_result is null)
        {
            return;
        }
        // Bars follow the table's order; a new chart per shape (ApexCharts does not change type in place).
        _chart = _result.Chart(_chartMeasure, _sortColumn is { } column ? [.. _result.Sorted(column, _sortDescending)] : null);
        _chartKey++;
    }

    private async Task ExportCsvAsync()
    {
        if (_result is null)
        {
            return;
        }
        try
        {
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Pages/Explore.razor.js");
            await _module.InvokeVoidAsync("download", $"crowdstart-explore-{Time.GetUtcNow():yyyyMMdd-HHmm}.csv", _result.ToCsv());
        }
        catch (Exception ex) when (ex is JSException or TaskCanceledException)
        {
            Logger.LogWarning(ex, "CSV export failed in the browser");
            _notice = "The CSV could not be handed to your browser; try again, or lower the row limit.";
        }
    }

    private string CampaignName(Guid id) => _campaigns?.FirstOrDefault(c => c.Id == id)?.Name ?? "";

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _cts?.Cancel();
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The browser is gone.
            }
        }
        GC.SuppressFinalize(this);
    }
}
