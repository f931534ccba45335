namespace Crowdstart.Pipeline.Cluster;

/// <summary>
/// What one app process does in a cluster (<c>Instance:Roles</c>, e.g. <c>Ingest, Dashboard</c>). Every instance
/// shares the database and the log, so the roles only decide which endpoints a process serves and which background
/// work it runs; any mix of instances that together hold all three is a complete product.
/// </summary>
[Flags]
public enum InstanceRoles
{
    None = 0,

    /// <summary>The ingest API (<c>POST /api/v1/events</c>) and, in demo mode, the traffic generator that posts to it.</summary>
    Ingest = 1,

    /// <summary>The partition consumers (one owner per partition across the cluster), alert evaluation, webhook delivery and retention.</summary>
    Pipeline = 2,

    /// <summary>The pages, the campaign hub, sign-in and the campaign, access and query APIs.</summary>
    Dashboard = 4,

    All = Ingest | Pipeline | Dashboard,
}
