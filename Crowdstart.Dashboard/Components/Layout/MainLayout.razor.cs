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

    // Every text/background pair at WCAG AA (4.5:1), checked by axe in AccessibilityBrowserTests: MudBlazor's light
    // status colours are 2.2–3.7:1 on white, and its dark ones carry white text at 1.9–3.4:1 (filled alerts and chips,
    // the alert banner), so light mode gets darker status colours and dark mode dark text on its bright ones.
    // The wall view of share links uses it too.
    internal static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#5b5bd6",
            Secondary = "#0b7a6b",
            AppbarBackground = "#1f1f3a",
            Info = "#0a66c2",
            Success = "#1b7f3b",
            Warning = "#b45309",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8b8bff",
            PrimaryContrastText = "#12121c",
            Secondary = "#2dd4bf",
            SecondaryContrastText = "#12121c",
            Background = "#12121c",
            Surface = "#1c1c2b",
            AppbarBackground = "#171726",
            InfoContrastText = "#12121c",
            SuccessContrastText = "#12121c",
            WarningContrastText = "#12121c",
            ErrorContrastText = "#12121c",
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
