using System.Diagnostics.Metrics;

namespace Crowdstart.Pipeline.Observability;

/// <summary>One partition's backlog: events appended but not yet folded into the metrics, and the oldest one's age.</summary>
public sealed record PartitionLag(int Partition, long Events, TimeSpan OldestAge);

/// <summary>
/// The pipeline's instruments (meter <see cref="MeterName"/>, exported by the web app): events accepted and
/// rejected at ingest (by reason), requests refused (by status), events processed and time per batch, and the lag
/// of every log partition. Names follow OpenTelemetry conventions; the Prometheus exporter turns
/// <c>crowdstart.ingest.events</c> into <c>crowdstart_ingest_events_total</c>.
/// </summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "Crowdstart.Pipeline";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _processed;
    private readonly Histogram<double> _batchDuration;
    private volatile IReadOnlyList<PartitionLag> _lag = [];

    public PipelineMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("crowdstart.ingest.events", "{event}", "Events acknowledged by ingest (202), duplicates included");
        _duplicates = meter.CreateCounter<long>("crowdstart.ingest.duplicates", "{event}", "Acknowledged events that were already in the log (stored once)");
        _rejected = meter.CreateCounter<long>("crowdstart.ingest.rejected", "{event}", "Events refused at ingest, by the field that was wrong");
        _refused = meter.CreateCounter<long>("crowdstart.ingest.refused_requests", "{request}", "Ingest requests refused as a whole, by HTTP status");
        _processed = meter.CreateCounter<long>("crowdstart.pipeline.events", "{event}", "Events folded into the metrics");
        _batchDuration = meter.CreateHistogram<double>("crowdstart.pipeline.batch.duration", "s", "Time to process one partition batch (read, compute, commit)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        meter.CreateObservableGauge("crowdstart.pipeline.lag", () => _lag.Select(l => new Measurement<long>(l.Events, new KeyValuePair<string, object?>("partition", l.Partition))),
            "{event}", "Events appended to a partition and not yet processed");
        meter.CreateObservableGauge("crowdstart.pipeline.lag.age", () => _lag.Select(l => new Measurement<double>(l.OldestAge.TotalSeconds, new KeyValuePair<string, object?>("partition", l.Partition))),
            "s", "Age of a partition's oldest unprocessed event (0 when caught up)");
    }

    /// <summary>The latest lag reading (empty until the first one).</summary>
    public IReadOnlyList<PartitionLag> Lag => _lag;

    /// <summary>When the latest lag reading was taken (null before the first).</summary>
    public DateTimeOffset? LagReadAt { get; private set; }

    public void Accepted(int events, int duplicates)
    {
        _accepted.Add(events);
        if (duplicates > 0)
        {
            _duplicates.Add(duplicates);
        }
    }

    /// <summary>One refused event; <paramref name="field"/> is reduced to its top-level name so the label set stays small.</summary>
    public void Rejected(string field) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", ReasonOf(field)));

    public void Refused(int status) => _refused.Add(1, new KeyValuePair<string, object?>("status", status));

    public void BatchProcessed(int partition, int events, TimeSpan elapsed)
    {
        _processed.Add(events, new KeyValuePair<string, object?>("partition", partition));
        _batchDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("partition", partition));
    }

    public void SetLag(IReadOnlyList<PartitionLag> lag, DateTimeOffset at)
    {
        _lag = lag;
        LagReadAt = at;
    }

    /// <summary>"properties.email" → "properties", "$" → "json", "occurredAt" → "occurredAt".</summary>
    public static string ReasonOf(string field)
    {
        if (string.IsNullOrEmpty(field) || field == "$")
        {
            return "json";
        }
        var end = field.IndexOfAny(['.', '[']);
        var top = end < 0 ? field : field[..end];
        return top.Length is > 0 and <= 40 ? top : "other";
    }
}
