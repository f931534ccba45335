using System.Text.Json;
using System.Text.RegularExpressions;

namespace Crowdstart.Tests.Alerts;

/// <summary>
/// The incoming-webhook payload shapes of Slack, Discord and Microsoft Teams as their documentation gives them (required
/// fields, types, limits, colour formats, allowed keys), checked the way a strict receiver would: each method returns
/// every problem found, empty when the payload is acceptable. Also checks that no text reaches the service as markup it
/// would act on (a mention, a link or a tag that did not come from the app).
/// </summary>
public static partial class ChatSchemas
{
    public static List<string> Check(string format, string body) => format switch
    {
        "slack" => Slack(body),
        "discord" => Discord(body),
        "teams" => Teams(body),
        "json" => Json(body),
        _ => [$"unknown format {format}"],
    };

    /// <summary>The app's own signed JSON event: {event, sentAt, alert{id, campaignId, detector, …}}.</summary>
    public static List<string> Json(string body)
    {
        var e = new List<string>();
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Str(root, "event", e, required: true);
        Str(root, "sentAt", e, required: true);
        if (!root.TryGetProperty("alert", out var alert) || alert.ValueKind != JsonValueKind.Object)
        {
            e.Add("alert: missing");
            return e;
        }
        foreach (var field in new[] { "id", "campaignId", "detector", "scope", "status", "severity", "message", "summary" })
        {
            Str(alert, field, e, required: true);
        }
        return e;
    }

    // ---------------------------------------------------------------- Slack

    private static readonly HashSet<string> SlackRootKeys = ["text", "blocks", "attachments", "username", "icon_emoji", "icon_url", "channel", "mrkdwn", "thread_ts", "unfurl_links", "unfurl_media"];
    private static readonly HashSet<string> SlackAttachmentKeys =
        ["fallback", "color", "pretext", "author_name", "author_link", "author_icon", "title", "title_link", "text", "fields", "image_url", "thumb_url", "footer", "footer_icon", "ts", "mrkdwn_in", "blocks"];

    /// <summary>Slack incoming webhook with secondary attachments (api.slack.com/reference/messaging/attachments).</summary>
    public static List<string> Slack(string body)
    {
        var e = new List<string>();
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Keys(root, SlackRootKeys, "", e);
        // With attachments, text is the notification's fallback and must be there.
        var text = Str(root, "text", e, required: true, max: 40_000);
        SlackText(text, "text", e);
        if (root.TryGetProperty("attachments", out var attachments))
        {
            if (attachments.ValueKind != JsonValueKind.Array || attachments.GetArrayLength() is 0 or > 100)
            {
                e.Add("attachments: 1 to 100 expected");
                return e;
            }
            var i = 0;
            foreach (var a in attachments.EnumerateArray())
            {
                var at = $"attachments[{i++}]";
                Keys(a, SlackAttachmentKeys, at + ".", e);
                if (Str(a, "color", e, required: true) is { } colour && !SlackColour().IsMatch(colour))
                {
                    e.Add($"{at}.color: '{colour}' is not good, warning, danger or #RRGGBB");
                }
                SlackText(Str(a, "fallback", e, required: true), at + ".fallback", e);
                SlackText(Str(a, "title", e), at + ".title", e);
                SlackText(Str(a, "text", e), at + ".text", e);
                SlackText(Str(a, "footer", e), at + ".footer", e);
                if (Str(a, "title_link", e) is { } link && !IsHttpUrl(link))
                {
                    e.Add($"{at}.title_link: not an absolute http(s) URL");
                }
                if (a.TryGetProperty("ts", out var ts) && ts.ValueKind != JsonValueKind.Number)
                {
                    e.Add($"{at}.ts: a number (unix seconds) expected");
                }
                if (a.TryGetProperty("mrkdwn_in", out var md) &&
                    (md.ValueKind != JsonValueKind.Array || md.EnumerateArray().Any(x => x.GetString() is not ("pretext" or "text" or "fields"))))
                {
                    e.Add($"{at}.mrkdwn_in: only pretext, text and fields");
                }
                if (a.TryGetProperty("fields", out var fields))
                {
                    if (fields.ValueKind != JsonValueKind.Array)
                    {
                        e.Add($"{at}.fields: an array expected");
                        continue;
                    }
                    var j = 0;
                    foreach (var f in fields.EnumerateArray())
                    {
                        var ft = $"{at}.fields[{j++}]";
                        Keys(f, ["title", "value", "short"], ft + ".", e);
                        SlackText(Str(f, "title", e, required: true), ft + ".title", e);
                        SlackText(Str(f, "value", e, required: true), ft + ".value", e);
                        if (f.TryGetProperty("short", out var s) && s.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        {
                            e.Add($"{ft}.short: a boolean expected");
                        }
                    }
                }
            }
        }
        return e;
    }

    /// <summary>
    /// Slack control sequences in text: every &lt;…&gt; must be one of the app's (a date token or a link), every &amp; an
    /// escape; nothing may address a channel, user or group.
    /// </summary>
    private static void SlackText(string? text, string at, List<string> e)
    {
        if (text is null)
        {
            return;
        }
        foreach (Match m in Regex.Matches(text, "<[^>]*>"))
        {
            if (!Regex.IsMatch(m.Value, @"^<!date\^\d+\^\{time\}\|[^<>|]+>$") && !Regex.IsMatch(m.Value, @"^<https?://[^\s<>|]+\|[^<>|]+>$"))
            {
                e.Add($"{at}: control sequence {m.Value} that the app did not mean");
            }
        }
        if (Regex.IsMatch(text.Replace("&amp;", "").Replace("&lt;", "").Replace("&gt;", ""), "&"))
        {
            e.Add($"{at}: unescaped &");
        }
        if (Regex.Matches(text, "<").Count != Regex.Matches(text, ">").Count)
        {
            e.Add($"{at}: unbalanced < >");
        }
    }

    // ---------------------------------------------------------------- Discord

    private static readonly HashSet<string> DiscordRootKeys = ["content", "username", "avatar_url", "tts", "embeds", "allowed_mentions", "components", "flags", "thread_name", "applied_tags", "poll"];
    private static readonly HashSet<string> DiscordEmbedKeys = ["title", "type", "description", "url", "timestamp", "color", "footer", "image", "thumbnail", "video", "provider", "author", "fields"];

    /// <summary>Discord "Execute Webhook" (discord.com/developers/docs/resources/webhook) with embed limits.</summary>
    public static List<string> Discord(string body)
    {
        var e = new List<string>();
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Keys(root, DiscordRootKeys, "", e);
        var content = Str(root, "content", e, max: 2000);
        if (Str(root, "username", e, max: 80) is { } user &&
            (user.Contains("discord", StringComparison.OrdinalIgnoreCase) || user.Contains("clyde", StringComparison.OrdinalIgnoreCase) || user.Length == 0))
        {
            e.Add("username: may not contain 'discord' or 'clyde'");
        }
        var hasEmbeds = root.TryGetProperty("embeds", out var embeds);
        if (string.IsNullOrEmpty(content) && !hasEmbeds)
        {
            e.Add("content or embeds required");
        }
        DiscordText(content, "content", e);
        if (!root.TryGetProperty("allowed_mentions", out var mentions) || !mentions.TryGetProperty("parse", out var parse) ||
            parse.ValueKind != JsonValueKind.Array || parse.GetArrayLength() != 0)
        {
            e.Add("allowed_mentions.parse: must be [] so nobody is pinged");
        }
        if (hasEmbeds)
        {
            if (embeds.ValueKind != JsonValueKind.Array || embeds.GetArrayLength() > 10)
            {
                e.Add("embeds: at most 10");
                return e;
            }
            var total = 0;
            var i = 0;
            foreach (var embed in embeds.EnumerateArray())
            {
                var at = $"embeds[{i++}]";
                Keys(embed, DiscordEmbedKeys, at + ".", e);
                var title = Str(embed, "title", e, max: 256);
                var description = Str(embed, "description", e, max: 4096);
                DiscordText(title, at + ".title", e);
                DiscordText(description, at + ".description", e);
                total += (title?.Length ?? 0) + (description?.Length ?? 0);
                if (Str(embed, "url", e) is { } url && !IsHttpUrl(url))
                {
                    e.Add($"{at}.url: not an absolute http(s) URL");
                }
                if (embed.TryGetProperty("color", out var colour) && (colour.ValueKind != JsonValueKind.Number || !colour.TryGetInt32(out var c) || c is < 0 or > 0xFFFFFF))
                {
                    e.Add($"{at}.color: an integer 0–0xFFFFFF expected");
                }
                if (Str(embed, "timestamp", e) is { } ts && !DateTimeOffset.TryParse(ts, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
                {
                    e.Add($"{at}.timestamp: ISO 8601 expected");
                }
                if (embed.TryGetProperty("footer", out var footer))
                {
                    total += Str(footer, "text", e, required: true, max: 2048)?.Length ?? 0;
                }
                if (embed.TryGetProperty("fields", out var fields))
                {
                    if (fields.ValueKind != JsonValueKind.Array || fields.GetArrayLength() > 25)
                    {
                        e.Add($"{at}.fields: at most 25");
                        continue;
                    }
                    var j = 0;
                    foreach (var f in fields.EnumerateArray())
                    {
                        var ft = $"{at}.fields[{j++}]";
                        Keys(f, ["name", "value", "inline"], ft + ".", e);
                        var name = Str(f, "name", e, required: true, max: 256);
                        var value = Str(f, "value", e, required: true, max: 1024);
                        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(value))
                        {
                            e.Add($"{ft}: name and value must not be empty");
                        }
                        DiscordText(name, ft + ".name", e);
                        DiscordText(value, ft + ".value", e);
                        total += (name?.Length ?? 0) + (value?.Length ?? 0);
                        if (f.TryGetProperty("inline", out var inline) && inline.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        {
                            e.Add($"{ft}.inline: a boolean expected");
                        }
                    }
                }
            }
            if (total > 6000)
            {
                e.Add($"embeds: {total} characters in all, Discord allows 6000");
            }
        }
        return e;
    }

    /// <summary>No mention of everyone/here/a user/role/channel and no unescaped markdown link in text.</summary>
    private static void DiscordText(string? text, string at, List<string> e)
    {
        if (text is null)
        {
            return;
        }
        if (Regex.IsMatch(text, "@(everyone|here)"))
        {
            e.Add($"{at}: a live @everyone/@here");
        }
        // <@id>, <@&id>, <#id> and unescaped < other than the app's <t:…:t> timestamps.
        foreach (Match m in Regex.Matches(text, @"(?<!\\)<[^>]*>"))
        {
            if (!Regex.IsMatch(m.Value, @"^<t:\d+:[tTdDfFR]>$"))
            {
                e.Add($"{at}: markup {m.Value} that the app did not mean");
            }
        }
        if (Regex.IsMatch(text, @"(?<!\\)\[[^\]]*(?<!\\)\]\((?!\s)"))
        {
            e.Add($"{at}: a markdown link");
        }
    }

    // ---------------------------------------------------------------- Microsoft Teams

    private static readonly HashSet<string> CardElementTypes = ["TextBlock", "Container", "FactSet", "ColumnSet", "Column", "Image", "ActionSet", "RichTextBlock"];
    private static readonly HashSet<string> TextColours = ["Default", "Dark", "Light", "Accent", "Good", "Warning", "Attention"];
    private static readonly HashSet<string> ContainerStyles = ["default", "emphasis", "good", "attention", "warning", "accent"];

    /// <summary>
    /// A Teams Workflows webhook message (learn.microsoft.com: "Create incoming webhooks with Workflows"): {type:
    /// "message", attachments: [{contentType: application/vnd.microsoft.card.adaptive, content: AdaptiveCard ≤ 1.5}]},
    /// at most 28 KB.
    /// </summary>
    public static List<string> Teams(string body)
    {
        var e = new List<string>();
        if (System.Text.Encoding.UTF8.GetByteCount(body) > 28 * 1024)
        {
            e.Add("message larger than 28 KB");
        }
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Keys(root, ["type", "attachments"], "", e);
        if (Str(root, "type", e, required: true) != "message")
        {
            e.Add("type: must be 'message'");
        }
        if (!root.TryGetProperty("attachments", out var attachments) || attachments.ValueKind != JsonValueKind.Array || attachments.GetArrayLength() == 0)
        {
            e.Add("attachments: at least one card expected");
            return e;
        }
        var i = 0;
        foreach (var a in attachments.EnumerateArray())
        {
            var at = $"attachments[{i++}]";
            Keys(a, ["contentType", "contentUrl", "content", "name"], at + ".", e);
            if (Str(a, "contentType", e, required: true) != "application/vnd.microsoft.card.adaptive")
            {
                e.Add($"{at}.contentType: must be application/vnd.microsoft.card.adaptive");
            }
            if (a.TryGetProperty("contentUrl", out var url) && url.ValueKind != JsonValueKind.Null)
            {
                e.Add($"{at}.contentUrl: must be null");
            }
            if (!a.TryGetProperty("content", out var card) || card.ValueKind != JsonValueKind.Object)
            {
                e.Add($"{at}.content: the card is missing");
                continue;
            }
            Keys(card, ["$schema", "type", "version", "body", "actions", "msteams", "fallbackText", "speak", "lang"], at + ".content.", e);
            if (Str(card, "type", e, required: true) != "AdaptiveCard")
            {
                e.Add($"{at}.content.type: must be AdaptiveCard");
            }
            if (Str(card, "version", e, required: true) is not ("1.0" or "1.1" or "1.2" or "1.3" or "1.4" or "1.5"))
            {
                e.Add($"{at}.content.version: Teams renders 1.0 to 1.5");
            }
            if (!card.TryGetProperty("body", out var cardBody) || cardBody.ValueKind != JsonValueKind.Array || cardBody.GetArrayLength() == 0)
            {
                e.Add($"{at}.content.body: elements expected");
            }
            else
            {
                Elements(cardBody, at + ".content.body", e);
            }
            if (card.TryGetProperty("actions", out var actions))
            {
                var j = 0;
                foreach (var action in actions.EnumerateArray())
                {
                    var act = $"{at}.content.actions[{j++}]";
                    if (Str(action, "type", e, required: true) != "Action.OpenUrl")
                    {
                        e.Add($"{act}.type: only Action.OpenUrl works in a webhook message");
                    }
                    Str(action, "title", e, required: true);
                    if (Str(action, "url", e, required: true) is { } u && !IsHttpUrl(u))
                    {
                        e.Add($"{act}.url: not an absolute http(s) URL");
                    }
                }
            }
        }
        return e;
    }

    private static void Elements(JsonElement array, string at, List<string> e)
    {
        var i = 0;
        foreach (var el in array.EnumerateArray())
        {
            var here = $"{at}[{i++}]";
            var type = Str(el, "type", e, required: true);
            if (type is null || !CardElementTypes.Contains(type))
            {
                e.Add($"{here}.type: '{type}' is not an Adaptive Card element");
                continue;
            }
            switch (type)
            {
                case "TextBlock":
                    TeamsText(Str(el, "text", e, required: true), here + ".text", e);
                    if (Str(el, "color", e) is { } c && !TextColours.Contains(c))
                    {
                        e.Add($"{here}.color: '{c}' is not an Adaptive Card colour");
                    }
                    break;
                case "Container":
                    if (Str(el, "style", e) is { } style && !ContainerStyles.Contains(style))
                    {
                        e.Add($"{here}.style: '{style}' is not a container style");
                    }
                    if (!el.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
                    {
                        e.Add($"{here}.items: expected");
                    }
                    else
                    {
                        Elements(items, here + ".items", e);
                    }
                    break;
                case "FactSet":
                    if (!el.TryGetProperty("facts", out var facts) || facts.ValueKind != JsonValueKind.Array || facts.GetArrayLength() == 0)
                    {
                        e.Add($"{here}.facts: expected");
                        break;
                    }
                    var j = 0;
                    foreach (var f in facts.EnumerateArray())
                    {
                        Keys(f, ["title", "value"], $"{here}.facts[{j}].", e);
                        TeamsText(Str(f, "title", e, required: true), $"{here}.facts[{j}].title", e);
                        TeamsText(Str(f, "value", e, required: true), $"{here}.facts[{j}].value", e);
                        j++;
                    }
                    break;
            }
        }
    }

    /// <summary>No tag (no &lt;at&gt; mention, no HTML), no markdown link, no card expression other than the app's TIME.</summary>
    private static void TeamsText(string? text, string at, List<string> e)
    {
        if (text is null)
        {
            return;
        }
        if (text.Contains('<') || text.Contains('>'))
        {
            e.Add($"{at}: a raw < or > (a tag or mention)");
        }
        if (Regex.IsMatch(text, @"(?<!\\)\[[^\]]*(?<!\\)\]\("))
        {
            e.Add($"{at}: a markdown link");
        }
        foreach (Match m in Regex.Matches(text, @"\{\{[^}]*\}\}"))
        {
            if (!Regex.IsMatch(m.Value, @"^\{\{TIME\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\}\}$"))
            {
                e.Add($"{at}: card expression {m.Value} that the app did not mean");
            }
        }
    }

    // ---------------------------------------------------------------- shared

    private static string? Str(JsonElement obj, string name, List<string> e, bool required = false, int max = int.MaxValue)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                e.Add($"{name}: required");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            e.Add($"{name}: a string expected, got {value.ValueKind}");
            return null;
        }
        var s = value.GetString()!;
        if (s.Length > max)
        {
            e.Add($"{name}: {s.Length} characters, at most {max}");
        }
        return s;
    }

    private static void Keys(JsonElement obj, IEnumerable<string> allowed, string at, List<string> e)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            e.Add($"{at.TrimEnd('.')}: an object expected");
            return;
        }
        foreach (var p in obj.EnumerateObject().Where(p => !allowed.Contains(p.Name)))
        {
            e.Add($"{at}{p.Name}: not a field of the documented payload");
        }
    }

    private static bool IsHttpUrl(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https";

    [GeneratedRegex("^(good|warning|danger|#[0-9A-Fa-f]{6})$")]
    private static partial Regex SlackColour();
}
