using Microsoft.JSInterop;

namespace Crowdstart.Dashboard.Components.Controls;

/// <summary>Copies text through the browser's clipboard and says in words whether it worked.</summary>
public static class Clipboard
{
    public static async Task<string> CopyAsync(IJSRuntime js, string text, string what)
    {
        var copied = false;
        try
        {
            copied = await js.InvokeAsync<bool>("crowdstart.copyText", text);
        }
        catch (JSException)
        {
            // A browser that refuses the clipboard (no permission, insecure origin) gets the manual way below.
        }
        return copied ? $"Copied the {what}." : "The browser refused to copy: select the text and copy it.";
    }
}
