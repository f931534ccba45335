using System.Diagnostics;

namespace Crowdstart.Tests.Cluster;

/// <summary>Deadline loops for things that happen on another connection.</summary>
public static class Eventually
{
    /// <summary>Generous: the machine may be busy; the happy path takes milliseconds.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static async Task<TimeSpan> TrueAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        await TrueAsync(() => Task.FromResult(condition()), what, deadline);

    public static async Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var limit = deadline ?? Deadline;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, $"not within {limit}: {what}");
            await Task.Delay(10);
        }
        return clock.Elapsed;
    }
}
