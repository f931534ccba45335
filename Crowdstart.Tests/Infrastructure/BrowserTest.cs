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

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }
}
