namespace Crowdstart.Pipeline.Demo;

/// <summary>Demo mode: seeded demo campaigns and a traffic generator (section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seeds the demo campaigns and drives traffic through the HTTP API.</summary>
    public bool Enabled { get; set; }

    /// <summary>New visitor sessions per second per campaign at the launch peak.</summary>
    public double VisitorsPerSecond { get; set; } = 6;

    /// <summary>Random seed; 0 picks a fresh one at every start.</summary>
    public int Seed { get; set; }

    /// <summary>Finished campaigns seeded as the platform's history (what the demo's forecasts learn from); 0 seeds none.</summary>
    public int HistoryCampaigns { get; set; } = 120;
}
