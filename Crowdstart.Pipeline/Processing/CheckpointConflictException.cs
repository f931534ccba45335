namespace Crowdstart.Pipeline.Processing;

/// <summary>Thrown when a partition's checkpoint moved under us (another consumer); the batch is rolled back.</summary>
public sealed class CheckpointConflictException(int partition, long expected)
    : Exception($"Checkpoint of partition {partition} is no longer at offset {expected}; another consumer owns it.");
