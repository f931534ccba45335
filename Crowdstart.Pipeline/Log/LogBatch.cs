using Crowdstart.Pipeline.Events;

namespace Crowdstart.Pipeline.Log;

/// <summary>What one read of a partition returned.</summary>
/// <param name="Partition">The partition read.</param>
/// <param name="Events">The events after the position read from, in log order (each with its own position as offset).</param>
/// <param name="End">The position the batch ends at: the checkpoint once it is processed. Equal to the position read
/// from when there was nothing new.</param>
public sealed record LogBatch(int Partition, IReadOnlyList<LoggedEvent> Events, LogPosition End)
{
    /// <summary>Nothing after <paramref name="after"/>.</summary>
    public static LogBatch Empty(int partition, LogPosition after) => new(partition, [], after);
}
