namespace Crowdstart.Pipeline.Observability;

/// <summary>Settings of health and metrics (section <c>Observability</c>).</summary>
public sealed class ObservabilityOptions
{
    public const string SectionName = "Observability";

    /// <summary>Health checks with this tag make up <c>/readyz</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>How often the partitions' lag is read.</summary>
    public int LagIntervalSeconds { get; set; } = 5;

    /// <summary><c>/readyz</c> fails when a partition's oldest unprocessed event is older than this.</summary>
    public int ReadyMaxLagSeconds { get; set; } = 60;

    /// <summary>Serve the Prometheus scrape endpoint <c>/metrics</c> (restrict it to the monitoring network at the proxy).</summary>
    public bool PrometheusEndpoint { get; set; } = true;
}
