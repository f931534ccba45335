namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// What one webhook event says about one alert, the input of every message format (<see cref="ChatPayloads"/>).
/// </summary>
/// <param name="Event"><c>alert.opened</c>, <c>alert.acknowledged</c> or <c>alert.resolved</c>.</param>
/// <param name="Alert">The alert as it stood when the event was queued.</param>
/// <param name="CampaignName">The campaign's name (free text chosen by its creators: escaped by every format).</param>
/// <param name="Link">Absolute URL of the campaign's page, or null when the app does not know its public address.</param>
/// <param name="SentAt">When the event was queued.</param>
public sealed record AlertNotice(string Event, AlertInfo Alert, string CampaignName, Uri? Link, DateTimeOffset SentAt)
{
    // Control characters never belong in a message (and the formats use two of them as placeholders).
    public AlertInfo Alert { get; init; } = Alert with
    {
        Message = Clean(Alert.Message), AcknowledgedBy = CleanOrNull(Alert.AcknowledgedBy), ResolvedBy = CleanOrNull(Alert.ResolvedBy),
        Scope = Clean(Alert.Scope),
    };

    public string CampaignName { get; init; } = Clean(CampaignName);

    private static string Clean(string text) => text.Any(char.IsControl) ? new string([.. text.Where(c => !char.IsControl(c))]) : text;

    private static string? CleanOrNull(string? text) => text is null ? null : Clean(text);

    public const string Opened = "alert.opened";
    public const string Acknowledged = "alert.acknowledged";
    public const string Resolved = "alert.resolved";

    /// <summary>The headline: "Critical: Checkout → pledge conversion drop", "Recovered: Traffic drop", "Acknowledged: …".</summary>
    public string Headline => Event switch
    {
        Resolved when Alert.ResolvedBy is null => "Recovered: " + AlertWording.Title(Alert.Detector),
        Resolved when Alert.ResolvedBy.StartsWith("system:", StringComparison.Ordinal) => "Closed: " + AlertWording.Title(Alert.Detector),
        Resolved => "Resolved: " + AlertWording.Title(Alert.Detector),
        Acknowledged => "Acknowledged: " + AlertWording.Title(Alert.Detector),
        _ => $"{Alert.Severity}: {AlertWording.Title(Alert.Detector)}",
    };

    /// <summary>
    /// The body sentence, with times written by <paramref name="clock"/>: the detector's message when it opened; who
    /// acknowledged it; for a resolution, how it ended and, in the past tense, what was last seen while it was open.
    /// </summary>
    public string Body(Func<DateTimeOffset, string> clock) => Event switch
    {
        Resolved => AlertWording.Summary(Alert, clock),
        Acknowledged => $"{Alert.AcknowledgedBy ?? "A creator"} acknowledged it at {clock(Alert.AcknowledgedAt ?? SentAt)}. {Alert.Message}",
        _ when Alert.MutedUntil is { } held && held > Alert.OpenedAt =>
            $"{Alert.Message}. Opened at {clock(Alert.OpenedAt)} while alerts were muted; sent when the mute ended.",
        _ => Alert.Message,
    };

    /// <summary>The numbers, as (label, value) pairs in the order they are shown.</summary>
    public IReadOnlyList<(string Label, string Value)> Facts(Func<DateTimeOffset, string> clock)
    {
        var a = Alert;
        var resolved = Event == Resolved && a.ResolvedAt is not null;
        var facts = new List<(string, string)>
        {
            ("Campaign", CampaignName),
            (resolved ? "Last value" : "Value", AlertWording.Value(a.Detector, a.Value)),
            ("Expected", AlertWording.Range(a.Detector, a.BaselineLow, a.BaselineHigh)),
            ("Severity", a.Severity),
            ("Scope", AlertWording.Scope(a.Scope)),
            ("Opened", clock(a.OpenedAt)),
        };
        if (resolved)
        {
            facts.Add(("Lasted", AlertWording.Duration(a.ResolvedAt!.Value - a.OpenedAt)));
        }
        return facts;
    }

    /// <summary>Whether the alert is over (the colour of a recovery, not of its severity).</summary>
    public bool IsOver => Event == Resolved;
}
