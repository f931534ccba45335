namespace Crowdstart.Pipeline.Alerts;

/// <summary>States of an alert.</summary>
public static class AlertStatus
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
}
