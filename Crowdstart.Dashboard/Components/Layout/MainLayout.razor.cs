using MudBlazor;

namespace Crowdstart.Dashboard.Components.Layout;

/// <summary>App shell: app bar with live indicator and dark-mode switch; cascades the mode to charts.</summary>
public partial class MainLayout
{
    // A launch is watched for hours, often on a second screen: dark is the default.
    private bool _darkMode = true;

    private readonly MudTheme _theme = new()
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

    private void ToggleDarkMode() => _darkMode = !_darkMode;
}
