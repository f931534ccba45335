using Microsoft.Playwright;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright (browsers cannot be downloaded on these machines).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go (kept as CI artifacts).</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("CROWDSTART_ARTIFACTS") is { Length: > 0 } d
                ? d
                : Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async Task InitializeAsync()
    {
        // Missing Chromium fails the collection with this reason rather than skipping it (see PostgresServer).
        const string Hint = "install Debian's chromium package (scripts/test.sh does), or run scripts/test.sh --fast for the tests that need no browser";
        var executable = Environment.GetEnvironmentVariable("CROWDSTART_CHROMIUM") is { Length: > 0 } path
            ? File.Exists(path) ? path : throw new InvalidOperationException($"CROWDSTART_CHROMIUM is {path}, which does not exist: {Hint}.")
            : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
              ?? throw new InvalidOperationException($"Chromium not found: {Hint}.");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
