namespace Crowdstart.Pipeline.Retention;

/// <summary>What one retention sweep removed for one organisation.</summary>
public sealed record RetentionResult(Guid OrganisationId, string Organisation, long RawEventsDeleted, long CustomerIdsErased,
    long AggregateRowsDeleted)
{
    public bool RemovedAnything => RawEventsDeleted + CustomerIdsErased + AggregateRowsDeleted > 0;
}
