using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Privacy;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>What became of one Segment message.</summary>
public enum SegmentOutcomeKind
{
    /// <summary>Mapped to one of our events (<see cref="SegmentOutcome.EventJson"/>), to be validated like our own API's.</summary>
    Mapped,

    /// <summary>Accepted and discarded on purpose: <c>identify</c>, <c>group</c>, <c>alias</c>, or an event the campaign maps to <c>ignore</c>.</summary>
    Dropped,

    /// <summary>Refused: the field and the reason go to the campaign's rejected events.</summary>
    Rejected,
}

/// <summary>The result of mapping one Segment message.</summary>
/// <param name="Kind">Mapped, dropped or rejected.</param>
/// <param name="EventName">The call and event name, for the rejected-events list (e.g. <c>track "Order Completed"</c>).</param>
/// <param name="EventJson">The event in our API's format (UTF-8 JSON), when mapped.</param>
/// <param name="Field">The Segment field at fault, when rejected.</param>
/// <param name="Reason">Why, when rejected.</param>
public sealed record SegmentOutcome(SegmentOutcomeKind Kind, string? EventName, byte[]? EventJson = null, string? Field = null, string? Reason = null);

/// <summary>
/// Maps messages of the Segment HTTP Tracking API (<c>track</c>, <c>page</c>, <c>screen</c>, <c>identify</c>, …) onto
/// our events; docs/segment.md has the table. The result is an event in our own API's JSON format, so the one
/// <see cref="EventValidator"/> judges both doors alike (ids, sources, amounts, property allowlist, personal data).
/// Pure: no I/O, the campaign's own event names come in as a dictionary.
/// </summary>
public sealed class SegmentMapper(PrivacyOptions privacy)
{
    /// <summary>Largest message, as Segment's own limit: 32 KB.</summary>
    public const int MaxMessageBytes = 32 * 1024;

    /// <summary>Largest request, as Segment's own limit: 500 KB.</summary>
    public const int MaxBatchBytes = 500 * 1024;

    /// <summary>A campaign mapping target that accepts an event and stores nothing of it.</summary>
    public const string Ignore = "ignore";

    /// <summary>The Segment e-commerce spec's events that have a place in a crowdfunding funnel.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultEvents = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Product Viewed"] = EventTypes.RewardView,
        ["Product Added"] = EventTypes.CartCreated,
        ["Checkout Started"] = EventTypes.CheckoutStarted,
        ["Payment Failed"] = EventTypes.CheckoutFailed,
        ["Order Completed"] = EventTypes.PledgeCompleted,
        ["Order Refunded"] = EventTypes.PledgeRefunded,
    };

    /// <summary>
    /// Maps <paramref name="message"/>. <paramref name="callType"/> is the route's call (<c>track</c>, <c>page</c>,
    /// <c>identify</c>) or null for <c>/v1/batch</c>, where each message names its own <c>type</c>.
    /// </summary>
    public SegmentOutcome Map(JsonElement message, string? callType, Guid campaignId, DateTimeOffset receivedAt, DateTimeOffset? requestSentAt,
        IReadOnlyDictionary<string, string>? campaignEvents)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return Reject(null, "$", "must be a JSON object (a Segment message)");
        }
        var type = (callType ?? Text(message, "type"))?.Trim().ToLowerInvariant();
        var eventName = Text(message, "event");
        string label = type switch
        {
            "track" => $"track \"{eventName}\"",
            null => "(no type)",
            _ => type,
        };
        string ourType;
        switch (type)
        {
            case "identify" or "group" or "alias":
                // Traits are personal data by nature (names, e-mail addresses): never stored, not even as a rejection.
                return new SegmentOutcome(SegmentOutcomeKind.Dropped, label);
            case "page" or "screen":
                ourType = EventTypes.PageView;
                break;
            case "track":
                if (string.IsNullOrWhiteSpace(eventName))
                {
                    return Reject(label, "event", "is required for a track call: the name of the action, e.g. \"Order Completed\"");
                }
                var mapped = Resolve(eventName.Trim(), campaignEvents);
                if (mapped is null)
                {
                    return Reject(label, "event", "has no mapping to a Crowdstart event type; map it on the campaign's ingest keys page " +
                        "(Segment events → our types) or send one of the e-commerce spec events (Product Viewed, Product Added, Checkout Started, Order Completed, Order Refunded)");
                }
                if (mapped == Ignore)
                {
                    return new SegmentOutcome(SegmentOutcomeKind.Dropped, label);
                }
                ourType = mapped;
                break;
            case null:
                return Reject(label, "type", "is required in a batch: track, page, screen or identify");
            default:
                return Reject(label, "type", "must be track, page, screen, identify, group or alias");
        }

        var customerId = Id(message, "userId") ?? Id(message, "anonymousId");
        if (customerId is null)
        {
            return Reject(label, "userId", "userId or anonymousId is required (an opaque pseudonymous id, never an e-mail address)");
        }
        var occurredAt = OccurredAt(message, receivedAt, requestSentAt, out var timeError);
        if (occurredAt is null)
        {
            return Reject(label, timeError!.Value.Field, timeError.Value.Reason);
        }
        var context = message.TryGetProperty("context", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var properties = message.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var sessionId = SessionId(context, customerId, occurredAt.Value);
        var referrer = Text(properties, "referrer") ?? (context.ValueKind == JsonValueKind.Object && context.TryGetProperty("page", out var page)
            ? Text(page, "referrer") : null);
        var utm = context.ValueKind == JsonValueKind.Object && context.TryGetProperty("campaign", out var campaign) && campaign.ValueKind == JsonValueKind.Object
            ? campaign : default;
        var referrerHost = SegmentSources.HostOf(referrer);
        var source = SegmentSources.Source(Text(utm, "source"), Text(utm, "medium"), referrerHost);

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("eventId", EventId(campaignId, message));
            writer.WriteString("type", ourType);
            writer.WriteString("campaignId", campaignId);
            writer.WriteString("customerId", customerId);
            writer.WriteString("sessionId", sessionId);
            writer.WriteString("occurredAt", occurredAt.Value.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("source", source);
            if (EventTypes.CarriesAmount(ourType))
            {
                // Our validator says what is missing or wrong; these names are translated back in FieldFor.
                if (First(properties, "total", "revenue", "value") is { } amount)
                {
                    writer.WritePropertyName("amount");
                    amount.WriteTo(writer);
                }
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("currency", out var currency))
                {
                    writer.WritePropertyName("currency");
                    currency.WriteTo(writer);
                }
            }
            WriteProperties(writer, ourType, properties, utm, referrerHost);
            writer.WriteEndObject();
        }
        return new SegmentOutcome(SegmentOutcomeKind.Mapped, label, buffer.WrittenSpan.ToArray());
    }

    /// <summary>The Segment field that an error on our event's <paramref name="field"/> is about.</summary>
    public static string FieldFor(string field) => field switch
    {
        "customerId" => "userId",
        "sessionId" => "context.sessionId",
        "occurredAt" => "timestamp",
        "source" => "context.campaign",
        "amount" => "properties.total",
        "currency" => "properties.currency",
        "type" => "event",
        "properties.reward" => "properties.product_id",
        "properties.payment" => "properties.payment_method",
        _ => field,
    };

    /// <summary>
    /// The session id: <c>context.sessionId</c> when the client sends one (RudderStack does; Segment has none), else
    /// derived as <c>sg-</c> + the first 8 bytes of SHA-256("customerId|yyyy-MM-dd") of the event's UTC day, written as
    /// 16 letters a–p (one per 4 bits; digits could read as a card number): one session per customer per day.
    /// </summary>
    public static string SessionId(JsonElement context, string customerId, DateTimeOffset occurredAt)
    {
        if (Id(context, "sessionId") is { } sent)
        {
            return sent;
        }
        var day = occurredAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(customerId + "|" + day));
        // Letters a–p, one per 4 bits: hex digits could spell a card number ("sg-4111…") and be refused as PII.
        var id = new char[16];
        for (var i = 0; i < 8; i++)
        {
            id[2 * i] = (char)('a' + (hash[i] >> 4));
            id[2 * i + 1] = (char)('a' + (hash[i] & 0x0F));
        }
        return "sg-" + new string(id);
    }

    /// <summary>
    /// The event id: a UUID derived from the campaign and <c>messageId</c> (SHA-256, version bits of a name-based
    /// UUID), so a message sent twice is stored once, as our API's <c>eventId</c> is. Without a messageId, the
    /// message's own bytes name it.
    /// </summary>
    public static Guid EventId(Guid campaignId, JsonElement message)
    {
        var name = Text(message, "messageId") is { Length: > 0 } messageId ? "m:" + messageId : "r:" + message.GetRawText();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("segment|" + campaignId.ToString("N") + "|" + name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>
    /// Segment's clock-skew correction: with <c>sentAt</c> (the client's clock when it sent), the event time is
    /// <c>receivedAt − (sentAt − timestamp)</c>; without it, the timestamp as sent; without a timestamp, <c>receivedAt</c>.
    /// A message's own <c>sentAt</c> wins over the request's.
    /// </summary>
    public static DateTimeOffset? OccurredAt(JsonElement message, DateTimeOffset receivedAt, DateTimeOffset? requestSentAt,
        out (string Field, string Reason)? error)
    {
        error = null;
        var timestamp = Time(message, "timestamp", ref error);
        var sentAt = Time(message, "sentAt", ref error) ?? requestSentAt;
        if (error is not null)
        {
            return null;
        }
        if (timestamp is null)
        {
            return receivedAt;
        }
        return sentAt is { } sent ? receivedAt - (sent - timestamp.Value) : timestamp;
    }

    /// <summary>Parses an ISO-8601 time field; a time without an offset is UTC, as in Segment's libraries.</summary>
    public static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && text.Contains('T')
            ? at.ToUniversalTime() : null;

    private string? Resolve(string eventName, IReadOnlyDictionary<string, string>? campaignEvents)
    {
        if (campaignEvents is not null && campaignEvents.TryGetValue(eventName, out var own))
        {
            return own;
        }
        if (DefaultEvents.TryGetValue(eventName, out var spec))
        {
            return spec;
        }
        // Our own type names are understood as they are ("pledge_completed").
        return EventTypes.IsKnown(eventName) ? eventName : null;
    }

    /// <summary>
    /// The properties we keep: those our allowlist takes for the type (under the same name), and the spec's names
    /// for them (product_id or sku → reward, payment_method → payment, UTM and referrer on page views). Everything
    /// else is left behind unread: Segment payloads carry prices, names and URLs that we do not store.
    /// </summary>
    private void WriteProperties(Utf8JsonWriter writer, string type, JsonElement properties, JsonElement utm, string? referrerHost)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        var started = false;
        void Write(string name, JsonElement value)
        {
            if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null || !written.Add(name) || !privacy.IsAllowed(type, name))
            {
                return;
            }
            if (!started)
            {
                writer.WriteStartObject("properties");
                started = true;
            }
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
        if (properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in properties.EnumerateObject())
            {
                if (p.Name is not ("currency" or "total" or "revenue" or "value") && privacy.IsAllowed(type, p.Name))
                {
                    Write(p.Name, p.Value);
                }
            }
            if (First(properties, "product_id", "sku") is { } reward)
            {
                Write("reward", reward);
            }
            if (First(properties, "payment_method") is { } payment)
            {
                Write("payment", payment);
            }
            if (type == EventTypes.PageView && First(properties, "path") is { ValueKind: JsonValueKind.String } path &&
                path.GetString() is { Length: > 0 and <= EventValidator.MaxPropertyStringLength } pathText && !pathText.Contains('?'))
            {
                Write("page", path);
            }
        }
        if (type == EventTypes.PageView)
        {
            if (utm.ValueKind == JsonValueKind.Object)
            {
                foreach (var (from, to) in new[] { ("source", "utm_source"), ("medium", "utm_medium"), ("name", "utm_campaign") })
                {
                    if (First(utm, from) is { } value)
                    {
                        Write(to, value);
                    }
                }
            }
            if (referrerHost is not null)
            {
                using var host = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(referrerHost));
                Write("referrer_domain", host.RootElement.Clone());
            }
        }
        if (started)
        {
            writer.WriteEndObject();
        }
    }

    private static SegmentOutcome Reject(string? label, string field, string reason) => new(SegmentOutcomeKind.Rejected, label, null, field, reason);

    private static JsonElement? First(JsonElement e, params string[] names)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        foreach (var name in names)
        {
            if (e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return value;
            }
        }
        return null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A string or integer id (Segment allows both), or null when absent or empty.</summary>
    private static string? Id(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var value))
        {
            return null;
        }
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    private static DateTimeOffset? Time(JsonElement e, string name, ref (string Field, string Reason)? error)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.String && ParseTime(value.GetString()!) is { } at)
        {
            return at;
        }
        error ??= (name, "must be an ISO-8601 date and time, e.g. 2026-11-26T14:05:00.000Z");
        return null;
    }
}
