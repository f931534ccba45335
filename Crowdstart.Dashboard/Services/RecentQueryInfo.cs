namespace Crowdstart.Dashboard.Services;

/// <summary>A query the user ran in the explorer, to run again: its form as it travels in the URL, and one line for people.</summary>
public sealed record RecentQueryInfo(Guid Id, string Form, string Summary, DateTimeOffset RanAt);
