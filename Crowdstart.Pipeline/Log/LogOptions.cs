namespace Crowdstart.Pipeline.Log;

/// <summary>Shape of the durable event log (section <c>Log</c>).</summary>
public sealed class LogOptions
{
    public const string SectionName = "Log";

    /// <summary>Number of customer-hash partitions. Fixed once the log exists.</summary>
    public int PartitionCount { get; set; } = 8;
}
