using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Pipeline.Log;
using Crowdstart.Pipeline.Observability;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Api;

/// <summary>The services the ingest endpoint uses, bound from the container as one parameter (<c>[AsParameters]</c>).</summary>
/// <param name="Authenticator">Resolves an ingest key to its campaign.</param>
/// <param name="Throttle">Counts wrong keys per client address.</param>
/// <param name="Validator">Checks each event on its own.</param>
/// <param name="Appender">Appends accepted events to the log (group commit into PostgreSQL, or JetStream).</param>
/// <param name="Admission">Bounds requests being parsed and waiting.</param>
/// <param name="Options">Request and event limits.</param>
/// <param name="Metrics">Accepted, rejected and refused counts.</param>
/// <param name="Activity">Last event per key and the rejected events, written behind the request.</param>
public sealed record IngestServices(
    IngestKeyAuthenticator Authenticator,
    IngestKeyThrottle Throttle,
    EventValidator Validator,
    IEventLog Appender,
    IngestAdmission Admission,
    IOptions<IngestionOptions> Options,
    PipelineMetrics Metrics,
    IngestActivity Activity);
