using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Crowdstart.Pipeline.Events;

namespace Crowdstart.Pipeline.Log.JetStream;

/// <summary>
/// One JetStream message: the events of one request that fall in one partition, and when the app received them.
/// Compact JSON written and read by hand (short property names, the properties object copied as raw JSON), because
/// every accepted event passes through it twice on the hot path.
/// </summary>
public static class LogMessage
{
    // Property names encoded once (the bytes written are the same as for the plain strings).
    private static readonly JsonEncodedText RName = JsonEncodedText.Encode("r");
    private static readonly JsonEncodedText EName = JsonEncodedText.Encode("e");
    private static readonly JsonEncodedText IName = JsonEncodedText.Encode("i");
    private static readonly JsonEncodedText TName = JsonEncodedText.Encode("t");
    private static readonly JsonEncodedText CName = JsonEncodedText.Encode("c");
    private static readonly JsonEncodedText UName = JsonEncodedText.Encode("u");
    private static readonly JsonEncodedText SName = JsonEncodedText.Encode("s");
    private static readonly JsonEncodedText OName = JsonEncodedText.Encode("o");
    private static readonly JsonEncodedText SrcName = JsonEncodedText.Encode("src");
    private static readonly JsonEncodedText AName = JsonEncodedText.Encode("a");
    private static readonly JsonEncodedText CurName = JsonEncodedText.Encode("cur");
    private static readonly JsonEncodedText PName = JsonEncodedText.Encode("p");

    /// <summary>Writes the message for <paramref name="events"/> received at <paramref name="receivedAt"/>.</summary>
    public static void Write(IBufferWriter<byte> output, DateTimeOffset receivedAt, IReadOnlyList<EventRecord> events, int start, int count)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        w.WriteStartObject();
        w.WriteString(RName, receivedAt.UtcDateTime);
        w.WriteStartArray(EName);
        for (var i = start; i < start + count; i++)
        {
            var e = events[i];
            w.WriteStartObject();
            w.WriteString(IName, e.EventId);
            w.WriteString(TName, e.Type);
            w.WriteString(CName, e.CampaignId);
            w.WriteString(UName, e.CustomerId);
            w.WriteString(SName, e.SessionId);
            w.WriteString(OName, e.OccurredAt);
            w.WriteString(SrcName, e.Source);
            if (e.Amount is { } amount)
            {
                w.WriteNumber(AName, amount);
            }
            if (e.Currency is { } currency)
            {
                w.WriteString(CurName, currency);
            }
            if (e.PropertiesJson is { } properties)
            {
                w.WritePropertyName(PName);
                w.WriteRawValue(properties, skipInputValidation: true);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads a message back: when it was received and its events, in order.</summary>
    public static (DateTimeOffset ReceivedAt, List<EventRecord> Events) Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var receivedAt = DateTimeOffset.MinValue;
        var events = new List<EventRecord>();
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("r"u8))
            {
                reader.Read();
                receivedAt = reader.GetDateTimeOffset();
            }
            else if (reader.ValueTextEquals("e"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    events.Add(ReadEvent(ref reader));
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return (receivedAt, events);
    }

    private static EventRecord ReadEvent(ref Utf8JsonReader reader)
    {
        Guid id = default, campaign = default;
        string type = "", customer = "", session = "", source = "";
        DateTimeOffset occurredAt = default;
        decimal? amount = null;
        string? currency = null, properties = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "i": id = reader.GetGuid(); break;
                case "t": type = reader.GetString()!; break;
                case "c": campaign = reader.GetGuid(); break;
                case "u": customer = reader.GetString()!; break;
                case "s": session = reader.GetString()!; break;
                case "o": occurredAt = reader.GetDateTimeOffset(); break;
                case "src": source = reader.GetString()!; break;
                case "a": amount = reader.GetDecimal(); break;
                case "cur": currency = reader.GetString(); break;
                case "p":
                    using (var doc = JsonDocument.ParseValue(ref reader))
                    {
                        properties = doc.RootElement.GetRawText();
                    }
                    break;
                default: reader.Skip(); break;
            }
        }
        return new EventRecord(id, type, campaign, customer, session, occurredAt, source, amount, currency, properties);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (!reader.Read() || reader.TokenType != token)
        {
            throw new JsonException(string.Create(CultureInfo.InvariantCulture, $"A log message must have {token} at byte {reader.BytesConsumed}"));
        }
    }
}
