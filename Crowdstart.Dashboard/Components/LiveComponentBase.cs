using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components;

/// <summary>
/// Base for pages fed by the pipeline's change feed: refreshes run on the circuit's dispatcher and stop
/// cleanly once the component is disposed (a notification may arrive just after the user navigated away).
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IDisposable
{
    private volatile bool _disposed;

    /// <summary>True once the page is gone; work that finishes after an await checks it before holding resources.</summary>
    protected bool IsDisposed => _disposed;

    /// <summary>Runs <paramref name="refresh"/> on the circuit and re-renders, unless the page is gone.</summary>
    protected async Task RefreshFromCircuitAsync(Func<Task> refresh)
    {
        if (_disposed)
        {
            return;
        }
        try
        {
            await InvokeAsync(async () =>
            {
                await refresh();
                StateHasChanged();
            });
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between the notification and the refresh.
        }
    }

    /// <summary>Releases subscriptions and timers.</summary>
    protected virtual void OnDispose()
    {
    }

    public void Dispose()
    {
        _disposed = true;
        OnDispose();
        GC.SuppressFinalize(this);
    }
}
