namespace Crowdstart.Pipeline.Log;

/// <summary>
/// A place in one partition of the log: everything up to and including it has been read. Positions grow with the
/// partition and are what checkpoints store. On PostgreSQL it is the event's offset; on JetStream it packs the
/// stream sequence of the message and the event's index in it (<see cref="JetStream.JetStreamPositions"/>).
/// </summary>
/// <param name="Value">The stored form (<c>partition_checkpoints.offset</c>, <c>event_log.offset</c>).</param>
public readonly record struct LogPosition(long Value) : IComparable<LogPosition>
{
    /// <summary>Before the first event of a partition.</summary>
    public static readonly LogPosition Start = new(0);

    public int CompareTo(LogPosition other) => Value.CompareTo(other.Value);

    public static bool operator <(LogPosition a, LogPosition b) => a.Value < b.Value;

    public static bool operator >(LogPosition a, LogPosition b) => a.Value > b.Value;

    public static bool operator <=(LogPosition a, LogPosition b) => a.Value <= b.Value;

    public static bool operator >=(LogPosition a, LogPosition b) => a.Value >= b.Value;
}
