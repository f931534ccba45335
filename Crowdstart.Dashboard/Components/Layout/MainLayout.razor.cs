using Crowdstart.Dashboard.Services;
using Crowdstart.Dashboard.Security;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Layout;

/// <summary>
/// App shell: app bar with the connection indicator and the dark-mode switch; cascades the mode to charts.
/// The mode is stored with the signed-in user's account, so it follows them to any browser.
/// </summary>
public partial class MainLayout
{
    private bool _darkMode = UserPreferences.DefaultDarkMode;
    private Guid? _userId;
    private bool _interactive;

    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required UserPreferences Preferences { get; init; }

    /// <summary>The app's theme (the wall view of share links uses it too).</summary>
    internal static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#5b5bd6",
            Secondary = "#0f9d8a",
            AppbarBackground = "#1f1f3a",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8b8bff",
            Secondary = "#2dd4bf",
            Background = "#12121c",
            Surface = "#1c1c2b",
            AppbarBackground = "#171726",
        },
    };

    protected override async Task OnInitializedAsync()
    {
        if (await User.GetAsync() is { } actor)
        {
            _userId = actor.UserId;
            _darkMode = await Preferences.DarkModeAsync(actor.UserId);
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // The "interactive" marker (what UI tests and scripts wait for before clicking) is shown one render after the
        // first interactive one: the router turns link interception on in its own first after-render, so until then
        // a link click would be a static page fetch the circuit never sees.
        if (firstRender && RendererInfo.IsInteractive)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private async Task ToggleDarkMode()
    {
        _darkMode = !_darkMode;
        if (_userId is { } id)
        {
            await Preferences.SetDarkModeAsync(id, _darkMode);
        }
    }
}
