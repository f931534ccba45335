namespace Crowdstart.Pipeline.Log.JetStream;

/// <summary>
/// Log positions on JetStream. A message holds a group of events, so an event's position packs the message's stream
/// sequence (high bits) with its index in the message (low <see cref="IndexBits"/> bits). Positions grow with the
/// partition like PostgreSQL offsets do, fit <c>event_log.offset</c>, and a checkpoint after a whole message is
/// <see cref="AfterMessage"/>.
/// </summary>
public static class JetStreamPositions
{
    /// <summary>Bits for the index of an event in its message: up to 1,048,576 events per message.</summary>
    public const int IndexBits = 20;

    private const long IndexMask = (1L << IndexBits) - 1;

    /// <summary>The position of event <paramref name="index"/> of the message stored at <paramref name="sequence"/>.</summary>
    public static LogPosition Of(ulong sequence, int index) => new(checked((long)sequence << IndexBits) | (uint)index);

    /// <summary>The position after every event of the message at <paramref name="sequence"/>.</summary>
    public static LogPosition AfterMessage(ulong sequence) => Of(sequence, (int)IndexMask);

    /// <summary>The stream sequence to read from after <paramref name="position"/>: the next message once a message is done.</summary>
    public static ulong NextSequence(LogPosition position) => position.Value <= 0 ? 1 : (ulong)(position.Value >> IndexBits) + 1;
}
