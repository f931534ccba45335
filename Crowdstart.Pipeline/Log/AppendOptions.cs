namespace Crowdstart.Pipeline.Log;

/// <summary>
/// How the group-commit appender batches and bounds its queue. Not a configuration section of its own: ingestion
/// sets it from <c>Ingestion:AppendBatchMaxEvents</c> and <c>AppendQueueCapacityEvents</c>, since the queue exists
/// to absorb ingest requests (the log knows nothing of ingestion).
/// </summary>
public sealed class AppendOptions
{
    /// <summary>Most events per commit transaction.</summary>
    public int MaxBatchEvents { get; set; } = 5000;

    /// <summary>Events that may wait for their commit; at least one full request.</summary>
    public int QueueCapacityEvents { get; set; } = 50_000;
}
