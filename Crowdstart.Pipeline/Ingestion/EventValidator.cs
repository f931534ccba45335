using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Privacy;

namespace Crowdstart.Pipeline.Ingestion;

/// <summary>What the validator needs to know about the request's campaign.</summary>
/// <param name="CampaignId">The campaign the ingest key writes to.</param>
/// <param name="Currency">The campaign's currency; pledge amounts must be in it.</param>
/// <param name="KeyId">The ingest key that was presented (for "last event received" and the rejected-events list).</param>
public sealed record IngestTarget(Guid CampaignId, string Currency, Guid KeyId = default);

/// <summary>
/// Validates one event on its own and reports every problem it finds with the field and the reason.
/// Unknown top-level fields are refused: custom data belongs in <c>properties</c>, whose keys are allowlisted per
/// event type and whose values are scanned for personal data (<see cref="PiiScanner"/>).
/// </summary>
public sealed partial class EventValidator(IngestionOptions options, TimeProvider time, PrivacyOptions? privacy = null)
{
    private readonly PrivacyOptions _privacy = privacy ?? new PrivacyOptions();

    public const int MaxIdLength = 128;
    public const int MaxPropertyStringLength = 200;
    public const decimal MaxAmount = 1_000_000m;

    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "eventId", "type", "campaignId", "customerId", "sessionId", "occurredAt", "source", "amount", "currency", "properties",
    };

    /// <summary>Largest magnitude accepted for a numeric property (PostgreSQL's jsonb refuses huge exponents).</summary>
    public const double MaxPropertyNumber = 1e15;

    /// <summary>
    /// Validates <paramref name="element"/>; returns the event, or null after adding its errors. In
    /// <see cref="PiiMode.Redact"/> mode, properties it removed or blanked are listed in <paramref name="redactions"/>.
    /// </summary>
    public EventRecord? Validate(JsonElement element, int index, IngestTarget target, List<EventError> errors,
        List<EventError>? redactions = null)
    {
        var before = errors.Count;
        var redactedBefore = redactions?.Count ?? 0;
        try
        {
            var record = ValidateFields(element, index, target, errors, redactions);
            if (record is null && redactions is not null)
            {
                // A refused event stores nothing, so nothing of it was redacted.
                redactions.RemoveRange(redactedBefore, redactions.Count - redactedBefore);
            }
            return record;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json throws when a string or name holds a lone UTF-16 surrogate escape ("\ud800").
            errors.RemoveRange(before, errors.Count - before);
            redactions?.RemoveRange(redactedBefore, redactions.Count - redactedBefore);
            errors.Add(new(index, "$", "contains an invalid Unicode escape (a lone surrogate)"));
            return null;
        }
    }

    private EventRecord? ValidateFields(JsonElement element, int index, IngestTarget target, List<EventError> errors,
        List<EventError>? redactions)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(index, "$", "must be a JSON object"));
            return null;
        }

        var before = errors.Count;
        void Fail(string field, string reason) => errors.Add(new(index, field, reason));

        foreach (var property in element.EnumerateObject())
        {
            if (!KnownFields.Contains(property.Name))
            {
                Fail(property.Name, "is not a known field; put custom data in 'properties'");
            }
        }

        var eventId = RequiredGuid(element, "eventId", Fail);
        var campaignId = RequiredGuid(element, "campaignId", Fail);
        if (campaignId is { } cid && cid != target.CampaignId)
        {
            Fail("campaignId", "does not match the campaign of the ingest key");
        }

        var type = RequiredString(element, "type", Fail);
        if (type is not null && !EventTypes.IsKnown(type))
        {
            Fail("type", $"must be one of {string.Join(", ", EventTypes.All)}");
            type = null;
        }

        var customerId = PseudonymousId(element, "customerId", Fail);
        var sessionId = PseudonymousId(element, "sessionId", Fail);
        var occurredAt = OccurredAt(element, Fail);
        var source = Source(element, Fail);
        var (amount, currency) = Money(element, type, target, Fail);
        var properties = Properties(element, type, Fail, (field, reason) => redactions?.Add(new(index, field, reason)));

        if (errors.Count != before)
        {
            return null;
        }

        return new EventRecord(eventId!.Value, type!, campaignId!.Value, customerId!, sessionId!, occurredAt!.Value,
            source!, amount, currency, properties);
    }

    private static string? RequiredString(JsonElement e, string name, Action<string, string> fail)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            fail(name, "is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            fail(name, "must be a string");
            return null;
        }
        var text = value.GetString()!;
        if (text.Length == 0)
        {
            fail(name, "must not be empty");
            return null;
        }
        return text;
    }

    private static Guid? RequiredGuid(JsonElement e, string name, Action<string, string> fail)
    {
        var text = RequiredString(e, name, fail);
        if (text is null)
        {
            return null;
        }
        if (!Guid.TryParse(text, out var id) || id == Guid.Empty)
        {
            fail(name, "must be a non-empty UUID");
            return null;
        }
        return id;
    }

    private static string? PseudonymousId(JsonElement e, string name, Action<string, string> fail)
    {
        var text = RequiredString(e, name, fail);
        if (text is null)
        {
            return null;
        }
        if (text.Length > MaxIdLength)
        {
            fail(name, $"must be at most {MaxIdLength} characters");
            return null;
        }
        if (PiiScanner.FindInId(text) is { } pii)
        {
            fail(name, $"looks like {pii}; send an opaque pseudonymous id instead (no PII)");
            return null;
        }
        if (!OpaqueId().IsMatch(text))
        {
            fail(name, "must be an opaque id of letters, digits, '.', '_', ':' or '-'");
            return null;
        }
        return text;
    }

    private DateTimeOffset? OccurredAt(JsonElement e, Action<string, string> fail)
    {
        var text = RequiredString(e, "occurredAt", fail);
        if (text is null)
        {
            return null;
        }
        if (!ExplicitOffset().IsMatch(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            fail("occurredAt", "must be an ISO-8601 timestamp with an offset, e.g. 2026-11-26T14:05:00Z");
            return null;
        }
        if (at > time.GetUtcNow().AddSeconds(options.MaxFutureSkewSeconds))
        {
            fail("occurredAt", $"is more than {options.MaxFutureSkewSeconds} s in the future");
            return null;
        }
        if (at < time.GetUtcNow().AddDays(-Math.Max(1, options.MaxPastDays)))
        {
            fail("occurredAt", $"is more than {options.MaxPastDays} days in the past");
            return null;
        }
        return at.ToUniversalTime();
    }

    private static string? Source(JsonElement e, Action<string, string> fail)
    {
        var text = RequiredString(e, "source", fail);
        if (text is null)
        {
            return null;
        }
        var normalised = text.Trim().ToLowerInvariant();
        if (!SourcePattern().IsMatch(normalised))
        {
            fail("source", "must be direct, search, email, ads, social:<network> or referral:<domain>");
            return null;
        }
        // What follows the colon is judged like an id: a card or phone number written as one, or an IP address, is
        // refused ("referral:5500-0000-0000-0004").
        if (normalised.IndexOf(':') is var colon and > 0 && PiiScanner.FindInId(normalised[(colon + 1)..]) is { } pii)
        {
            fail("source", $"looks like it contains {pii}; name the network or the referring domain only (no PII)");
            return null;
        }
        return normalised;
    }

    private static (decimal? Amount, string? Currency) Money(JsonElement e, string? type, IngestTarget target, Action<string, string> fail)
    {
        var hasAmount = e.TryGetProperty("amount", out var amountElement) && amountElement.ValueKind != JsonValueKind.Null;
        var hasCurrency = e.TryGetProperty("currency", out var currencyElement) && currencyElement.ValueKind != JsonValueKind.Null;
        if (type is null)
        {
            return (null, null);
        }
        if (!EventTypes.CarriesAmount(type))
        {
            if (hasAmount)
            {
                fail("amount", $"is only allowed on {EventTypes.PledgeCompleted} and {EventTypes.PledgeRefunded}");
            }
            if (hasCurrency)
            {
                fail("currency", $"is only allowed on {EventTypes.PledgeCompleted} and {EventTypes.PledgeRefunded}");
            }
            return (null, null);
        }

        decimal? amount = null;
        if (!hasAmount)
        {
            fail("amount", $"is required for {type}");
        }
        else if (amountElement.ValueKind != JsonValueKind.Number || !amountElement.TryGetDecimal(out var value))
        {
            fail("amount", "must be a number");
        }
        else if (value <= 0 || value > MaxAmount)
        {
            fail("amount", $"must be greater than 0 and at most {MaxAmount.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (decimal.Round(value, 2) != value)
        {
            fail("amount", "must have at most 2 decimal places");
        }
        else
        {
            amount = value;
        }

        string? currency = null;
        if (!hasCurrency)
        {
            fail("currency", $"is required for {type}");
        }
        else if (currencyElement.ValueKind != JsonValueKind.String || currencyElement.GetString() is not { } code || !CurrencyCode().IsMatch(code))
        {
            fail("currency", "must be an ISO 4217 code such as EUR");
        }
        else if (!string.Equals(code, target.Currency, StringComparison.OrdinalIgnoreCase))
        {
            fail("currency", $"must be {target.Currency}, the campaign's currency");
        }
        else
        {
            currency = target.Currency;
        }
        return (amount, currency);
    }

    [GeneratedRegex(@"^[A-Za-z0-9._:\-]+$")]
    private static partial Regex OpaqueId();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|z|[+\-]\d{2}:?\d{2})$")]
    private static partial Regex ExplicitOffset();

    [GeneratedRegex(@"^(direct|search|email|ads|social:[a-z0-9][a-z0-9._\-]{0,39}|referral:[a-z0-9][a-z0-9.\-]{0,252})$")]
    private static partial Regex SourcePattern();

    [GeneratedRegex(@"^[A-Za-z]{3}$")]
    private static partial Regex CurrencyCode();

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex PropertyName();
}
