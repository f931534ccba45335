using Microsoft.Playwright;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// Base of the browser tests: contexts opened through <see cref="NewContextAsync"/> are closed when the test ends,
/// passed or failed. An open page keeps its circuit and its live views on the shared app, recomputed every few
/// seconds until the app stops: on 2 cores, pages left open by earlier tests slow the ones after them.
/// </summary>
public abstract class BrowserTest(BrowserFixture browser) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>A fresh browser context (own cookies), closed at the end of the test.</summary>
    protected async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions options)
    {
        var context = await browser.Browser.NewContextAsync(options);
        _contexts.Add(context);
        return context;
    }

    /// <summary>
    /// Waits until the page's URL contains <paramref name="urlPart"/> and the page is interactive (its circuit is up,
    /// so the next click reaches the server). When the page never gets there, the failure says where it stayed and
    /// what it showed (a validation message, an error), not only that a wait timed out.
    /// </summary>
    protected static async Task ArrivedAsync(IPage page, string urlPart, float timeout = 30_000)
    {
        try
        {
            // Commit, not the default Load: in-app navigation is a history push with no load event of its own, and
            // waiting for one could time out on a page that had arrived (seen on the campaign keys page).
            await page.WaitForURLAsync(url => url.Contains(urlPart, StringComparison.Ordinal),
                new() { Timeout = timeout, WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException ex)
        {
            var text = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
            throw new TimeoutException($"expected a URL containing '{urlPart}' within {timeout / 1000:0} s but stayed on {page.Url}; " +
                $"the page shows: {(text.Length > 1500 ? text[..1500] + "…" : text)}", ex);
        }
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = timeout });
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }
}
