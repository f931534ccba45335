using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>
/// The number of pending data-access requests on its content (the admin menu's "Data access" link), live from
/// <see cref="PendingRequestsSource"/>. Shown to admins only: the layout places it inside an admin-only view, and it
/// subscribes only for a signed-in admin.
/// </summary>
public sealed partial class PendingRequestsBadge : IDisposable
{
    private IDisposable? _subscription;
    private int? _count;
    private bool _disposed;

    [Parameter] public RenderFragment? ChildContent { get; set; }

    [Inject] public required PendingRequestsSource Source { get; init; }
    [Inject] public required CurrentUser User { get; init; }

    /// <summary>The count shown (null before the first one arrives).</summary>
    public int? Count => _count;

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive || await User.GetAsync() is not { IsAdmin: true } || _disposed)
        {
            return;
        }
        _subscription = Source.Subscribe(count => InvokeAsync(() =>
        {
            if (!_disposed)
            {
                _count = count;
                StateHasChanged();
            }
        }));
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription?.Dispose();
    }
}
