namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// The message formats a webhook can have: the signed JSON event (default) or a chat service's incoming-webhook
/// message. Every format is signed the same way; chat services ignore the headers.
/// </summary>
public static class WebhookFormats
{
    /// <summary>The signed JSON event (<c>{event, sentAt, alert}</c>), for programs.</summary>
    public const string Json = "json";

    /// <summary>A Slack incoming webhook: a message with one coloured attachment (title, link, text, fields).</summary>
    public const string Slack = "slack";

    /// <summary>A Discord channel webhook: one embed (title, link, colour, fields, timestamp), mentions disabled.</summary>
    public const string Discord = "discord";

    /// <summary>
    /// A Microsoft Teams Workflows webhook ("When a Teams webhook request is received"): a message with one Adaptive Card.
    /// </summary>
    public const string Teams = "teams";

    public static readonly IReadOnlyList<string> All = [Json, Slack, Discord, Teams];

    /// <summary>The format's name for people.</summary>
    public static string Label(string format) => format switch
    {
        Slack => "Slack",
        Discord => "Discord",
        Teams => "Microsoft Teams",
        _ => "JSON (signed)",
    };

    /// <summary>The format named (any case, blank meaning <see cref="Json"/>), or null when it is none of <see cref="All"/>.</summary>
    public static string? Parse(string? format)
    {
        var value = string.IsNullOrWhiteSpace(format) ? Json : format.Trim().ToLowerInvariant();
        return All.Contains(value) ? value : null;
    }
}
