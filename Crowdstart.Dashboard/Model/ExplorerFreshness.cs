using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Observability;

namespace Crowdstart.Dashboard.Model;

/// <summary>
/// How fresh the explorer's raw events are. On the PostgreSQL log the explorer reads the log itself, so an event is
/// there once acknowledged. On JetStream, raw events reach <c>event_log</c> as the pipeline processes them, so a
/// query can miss what arrived in the last moments; the page says how long that window is.
/// </summary>
public static class ExplorerFreshness
{
    /// <summary>The sentence under a result; <paramref name="lag"/> is read only on JetStream.</summary>
    public static string Describe(LogEngine engine, IReadOnlyList<PartitionLag>? lag, DashboardFormatter format)
    {
        if (engine == LogEngine.Postgres)
        {
            return "Includes every event received so far.";
        }
        if (lag is null)
        {
            return "Events reach the explorer as the pipeline processes them; how far behind it is could not be read just now.";
        }
        var oldest = lag.Count == 0 ? TimeSpan.Zero : lag.Max(p => p.OldestAge);
        return lag.Sum(p => p.Events) == 0
            ? "Includes every event received so far."
            : $"Events received in the last {format.Elapsed(oldest < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : oldest)} are still being processed and may be missing.";
    }
}
