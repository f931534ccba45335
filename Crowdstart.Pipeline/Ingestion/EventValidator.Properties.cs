using System.Text.Json;
using Crowdstart.Pipeline.Privacy;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>
/// The <c>properties</c> object: keys allowlisted per event type, values limited in size and type and scanned for
/// personal data; refused or, in <see cref="PiiMode.Redact"/> mode, rewritten without what was found.
/// </summary>
public sealed partial class EventValidator
{
    private string? Properties(JsonElement e, string? type, Action<string, string> fail, Action<string, string> redacted)
    {
        if (!e.TryGetProperty("properties", out var props) || props.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (props.ValueKind != JsonValueKind.Object)
        {
            fail("properties", "must be a JSON object");
            return null;
        }

        var count = 0;
        var ok = true;
        var redact = _privacy.PiiMode == PiiMode.Redact;
        // Keys to drop (null) or values to blank ("[redacted]"), only filled in redact mode.
        Dictionary<string, string?>? changes = null;
        foreach (var p in props.EnumerateObject())
        {
            count++;
            var field = $"properties.{p.Name}";
            if (!PropertyName().IsMatch(p.Name))
            {
                fail(field, "name must be lower-case letters, digits and '_' (at most 40, starting with a letter)");
                ok = false;
                continue;
            }
            if (type is not null && !_privacy.IsAllowed(type, p.Name))
            {
                var reason = $"is not an allowed property for {type} (allowed: {string.Join(", ", _privacy.AllowedFor(type))})";
                if (redact)
                {
                    (changes ??= [])[p.Name] = null;
                    redacted(field, reason + "; removed");
                }
                else
                {
                    fail(field, reason);
                    ok = false;
                }
                continue;
            }
            string? pii = null;
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.String:
                    var s = p.Value.GetString()!;
                    if (s.Length > MaxPropertyStringLength)
                    {
                        fail(field, $"must be at most {MaxPropertyStringLength} characters");
                        ok = false;
                    }
                    else if (s.Contains('\0'))
                    {
                        fail(field, "must not contain NUL characters");
                        ok = false;
                    }
                    else
                    {
                        pii = PiiScanner.FindInText(s);
                    }
                    break;
                case JsonValueKind.Number:
                    if (!p.Value.TryGetDouble(out var number) || !double.IsFinite(number) || Math.Abs(number) > MaxPropertyNumber)
                    {
                        fail(field, "must be a number between -1e15 and 1e15");
                        ok = false;
                    }
                    else
                    {
                        pii = PiiScanner.FindInNumber(number, p.Value.GetRawText());
                    }
                    break;
                case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                    break;
                default:
                    fail(field, "must be a string, number, boolean or null");
                    ok = false;
                    break;
            }
            if (pii is not null)
            {
                if (redact)
                {
                    (changes ??= [])[p.Name] = PrivacyOptions.RedactedValue;
                    redacted(field, $"looked like {pii}; value redacted");
                }
                else
                {
                    fail(field, $"looks like {pii}; PII is not accepted");
                    ok = false;
                }
            }
        }
        if (count > options.MaxPropertyCount)
        {
            fail("properties", $"must have at most {options.MaxPropertyCount} keys");
            ok = false;
        }
        if (!ok || count == 0)
        {
            return null;
        }
        return changes is null ? props.GetRawText() : Rewrite(props, changes);
    }

    private static string? Rewrite(JsonElement props, Dictionary<string, string?> changes)
    {
        using var buffer = new MemoryStream();
        var kept = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var p in props.EnumerateObject())
            {
                if (!changes.TryGetValue(p.Name, out var replacement))
                {
                    p.WriteTo(writer);
                    kept++;
                }
                else if (replacement is not null)
                {
                    writer.WriteString(p.Name, replacement);
                    kept++;
                }
            }
            writer.WriteEndObject();
        }
        return kept == 0 ? null : System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
