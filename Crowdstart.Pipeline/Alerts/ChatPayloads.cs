using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// The message bodies of the chat formats (<see cref="WebhookFormats"/>), each in its service's documented
/// incoming-webhook shape and within its documented limits. Everything that comes from people or events (campaign
/// names, messages, sources) is text: it is escaped for the service's markup, so a campaign called
/// <c>&lt;!channel&gt;</c> or <c>@everyone</c> pings nobody and a <c>&lt;script&gt;</c> stays visible text. Times are
/// written so each service shows them in the reader's own zone where it can (Slack's and Discord's date tokens,
/// Adaptive Cards' TIME function), with UTC as the fallback.
/// </summary>
public static partial class ChatPayloads
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Colours: red (critical), orange (warning), blue (info), green (recovered).</summary>
    public static string Colour(AlertNotice notice) => notice.IsOver ? "#2E7D32" : notice.Alert.Severity switch
    {
        nameof(AlertSeverity.Critical) => "#D32F2F",
        nameof(AlertSeverity.Warning) => "#F57C00",
        _ => "#1976D2",
    };

    /// <summary>The body for <paramref name="format"/> (a chat format; the JSON event is built by the alert store).</summary>
    public static string Build(string format, AlertNotice notice) => format switch
    {
        WebhookFormats.Slack => Slack(notice),
        WebhookFormats.Discord => Discord(notice),
        WebhookFormats.Teams => Teams(notice),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a chat format"),
    };

    // ---------------------------------------------------------------- Slack

    /// <summary>
    /// Slack incoming webhook: <c>{text, attachments: [{color, fallback, title, title_link, text, fields: [{title, value,
    /// short}], footer, ts, mrkdwn_in}]}</c>. <c>text</c> is the notification line; the attachment carries the colour bar.
    /// </summary>
    public static string Slack(AlertNotice notice)
    {
        var times = new TimeTokens(at => $"<!date^{at.ToUnixTimeSeconds()}^{{time}}|{AlertWording.Utc(at)}>");
        var title = Fit(notice.Headline + " — " + notice.CampaignName, SlackEscape, 150);
        var attachment = new JsonObject
        {
            ["color"] = Colour(notice),
            ["fallback"] = Fit($"{notice.Headline} — {notice.CampaignName}: {notice.Body(AlertWording.Utc)}", SlackEscape, 300),
            ["title"] = title,
            ["text"] = times.Text(notice.Body(times.Clock), SlackEscape, 3000),
            ["fields"] = new JsonArray([.. notice.Facts(times.Clock).Select(f => (JsonNode)new JsonObject
            {
                ["title"] = Fit(f.Label, SlackEscape, 150),
                ["value"] = times.Text(f.Value, SlackEscape, 2000),
                ["short"] = f.Label != "Campaign",
            })]),
            ["footer"] = "Crowdstart Analytics",
            ["ts"] = notice.SentAt.ToUnixTimeSeconds(),
            ["mrkdwn_in"] = new JsonArray("text", "fields"),
        };
        if (notice.Link is { } link)
        {
            attachment["title_link"] = link.AbsoluteUri;
        }
        var text = notice.Link is { } l
            ? $"{title} · <{SlackEscape(l.AbsoluteUri)}|Open campaign>"
            : title;
        return new JsonObject { ["text"] = text, ["attachments"] = new JsonArray(attachment) }.ToJsonString(Compact);
    }

    /// <summary>Slack's control characters in text: &amp;, &lt; and &gt; (which would start a link, mention or date).</summary>
    public static string SlackEscape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    // ---------------------------------------------------------------- Discord

    /// <summary>
    /// Discord channel webhook: <c>{username, content, embeds: [{title, url, description, color, fields: [{name, value,
    /// inline}], footer: {text}, timestamp}], allowed_mentions: {parse: []}}</c>, within Discord's embed limits (title 256,
    /// description 4096, 25 fields, field name 256 and value 1024, 6000 characters in all).
    /// </summary>
    public static string Discord(AlertNotice notice)
    {
        var times = new TimeTokens(at => $"<t:{at.ToUnixTimeSeconds()}:t>");
        var embed = new JsonObject
        {
            ["title"] = Fit(notice.Headline + " — " + notice.CampaignName, DiscordEscape, 256),
            // Within 4096, and small enough that the whole embed stays under Discord's 6000 characters.
            ["description"] = times.Text(notice.Body(times.Clock), DiscordEscape, 3500),
            ["color"] = int.Parse(Colour(notice)[1..], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ["fields"] = new JsonArray([.. notice.Facts(times.Clock).Take(25).Select(f => (JsonNode)new JsonObject
            {
                ["name"] = Fit(f.Label, DiscordEscape, 256),
                ["value"] = times.Text(f.Value, DiscordEscape, 256),
                ["inline"] = f.Label != "Campaign",
            })]),
            ["footer"] = new JsonObject { ["text"] = "Crowdstart Analytics" },
            ["timestamp"] = notice.SentAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
        if (notice.Link is { } link)
        {
            embed["url"] = link.AbsoluteUri;
        }
        return new JsonObject
        {
            ["username"] = "Crowdstart Analytics",
            ["content"] = Fit(notice.Headline + " — " + notice.CampaignName, DiscordEscape, 200),
            ["embeds"] = new JsonArray(embed),
            // Nobody is pinged, whatever a campaign name or message contains.
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
        }.ToJsonString(Compact);
    }

    /// <summary>
    /// Discord markdown made literal: a backslash before every markdown character (and &lt;, which starts mentions and
    /// timestamps), and a zero-width space after @ so "@everyone" and "@here" are not mentions even where parsed.
    /// </summary>
    public static string DiscordEscape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '~' or '`' or '|' or '>' or '<' or '#' or '-' or '[' or ']' or '(' or ')' or ':')
            {
                sb.Append('\\');
            }
            sb.Append(c);
            if (c == '@')
            {
                sb.Append('\u200B');
            }
        }
        return sb.ToString();
    }

    // ---------------------------------------------------------------- Microsoft Teams

    /// <summary>
    /// Microsoft Teams through Workflows (the "When a Teams webhook request is received" trigger, which replaced the
    /// retired Office 365 connectors and takes Adaptive Cards only): <c>{type: "message", attachments: [{contentType:
    /// "application/vnd.microsoft.card.adaptive", contentUrl: null, content: AdaptiveCard 1.4}]}</c>. The card has the
    /// headline in the severity's colour, the body, a FactSet of the numbers and an Action.OpenUrl to the campaign page.
    /// </summary>
    public static string Teams(AlertNotice notice)
    {
        var times = new TimeTokens(at => $"{{{{TIME({at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)})}}}}");
        var colour = notice.IsOver ? "Good" : notice.Alert.Severity switch
        {
            nameof(AlertSeverity.Critical) => "Attention",
            nameof(AlertSeverity.Warning) => "Warning",
            _ => "Accent",
        };
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["msteams"] = new JsonObject { ["width"] = "Full" },
            ["body"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "Container",
                    ["style"] = notice.IsOver ? "good" : colour == "Attention" ? "attention" : colour == "Warning" ? "warning" : "accent",
                    ["items"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "TextBlock", ["text"] = Fit(notice.Headline, TeamsEscape, 200), ["weight"] = "Bolder", ["size"] = "Medium",
                        ["color"] = colour, ["wrap"] = true,
                    }, new JsonObject
                    {
                        ["type"] = "TextBlock", ["text"] = Fit(notice.CampaignName, TeamsEscape, 200), ["isSubtle"] = true, ["spacing"] = "None", ["wrap"] = true,
                    }),
                },
                new JsonObject { ["type"] = "TextBlock", ["text"] = times.Text(notice.Body(times.Clock), TeamsEscape, 3000), ["wrap"] = true },
                new JsonObject
                {
                    ["type"] = "FactSet",
                    ["facts"] = new JsonArray([.. notice.Facts(times.Clock).Where(f => f.Label != "Campaign").Select(f => (JsonNode)new JsonObject
                    {
                        ["title"] = Fit(f.Label, TeamsEscape, 100),
                        ["value"] = times.Text(f.Value, TeamsEscape, 500),
                    })]),
                }),
        };
        if (notice.Link is { } link)
        {
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open campaign", ["url"] = link.AbsoluteUri });
        }
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["contentUrl"] = null,
                ["content"] = card,
            }),
        }.ToJsonString(Compact);
    }

    /// <summary>
    /// Adaptive Card text made literal: the markdown Teams renders (emphasis, links, lists, code) behind backslashes,
    /// &lt;, &gt; and &amp; as HTML entities (no &lt;at&gt; mention or tag), and "{{" broken so text cannot call a
    /// card function.
    /// </summary>
    public static string TeamsEscape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '{': sb.Append("{\u200B"); break;
                case '\\' or '*' or '_' or '~' or '`' or '[' or ']' or '#':
                    sb.Append('\\').Append(c);
                    break;
                case '\r' or '\n': sb.Append(' '); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    // ---------------------------------------------------------------- shared

    /// <summary>
    /// <paramref name="raw"/> escaped with <paramref name="escape"/> and at most <paramref name="max"/> characters: when
    /// too long the raw text is cut (and ends with "…") before escaping, so an escape sequence is never cut in half.
    /// </summary>
    public static string Fit(string raw, Func<string, string> escape, int max)
    {
        var escaped = escape(raw);
        var keep = raw.Length;
        while (escaped.Length > max && keep > 0)
        {
            keep = Math.Max(0, keep - Math.Max(1, escaped.Length - max));
            escaped = escape(raw[..keep].TrimEnd() + "…");
        }
        return escaped;
    }

    /// <summary>
    /// Times in a format's own token (<c>&lt;!date…&gt;</c>, <c>&lt;t:…:t&gt;</c>, <c>{{TIME(…)}}</c>), which must reach the
    /// service unescaped while everything around them is escaped. <see cref="Clock"/> leaves a placeholder (control
    /// characters, which <see cref="AlertNotice"/> strips from every text it holds, so no text can forge one);
    /// <see cref="Text"/> escapes the text between placeholders and puts the tokens in. Text too long for the limit falls
    /// back to plain UTC times and is cut.
    /// </summary>
    private sealed partial class TimeTokens(Func<DateTimeOffset, string> render)
    {
        private readonly List<DateTimeOffset> _times = [];

        public string Clock(DateTimeOffset at)
        {
            _times.Add(at);
            return $"\u0001{_times.Count - 1}\u0002";
        }

        public string Text(string composed, Func<string, string> escape, int max)
        {
            var sb = new StringBuilder();
            var last = 0;
            foreach (System.Text.RegularExpressions.Match m in Placeholder().Matches(composed))
            {
                sb.Append(escape(composed[last..m.Index])).Append(render(_times[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)]));
                last = m.Index + m.Length;
            }
            sb.Append(escape(composed[last..]));
            return sb.Length <= max
                ? sb.ToString()
                : Fit(Placeholder().Replace(composed, m => AlertWording.Utc(_times[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)])), escape, max);
        }

        [System.Text.RegularExpressions.GeneratedRegex("\u0001(\\d+)\u0002")]
        private static partial System.Text.RegularExpressions.Regex Placeholder();
    }
}
