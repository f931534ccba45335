namespace Crowdstart.Pipeline.Configuration;

/// <summary>Names of the connection strings the app reads (section <c>ConnectionStrings</c>).</summary>
public static class ConnectionStrings
{
    /// <summary>The PostgreSQL database of the log, the metrics and the accounts.</summary>
    public const string Crowdstart = "Crowdstart";
}
