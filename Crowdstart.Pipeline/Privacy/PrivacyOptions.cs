using Crowdstart.Pipeline.Events;

namespace Crowdstart.Pipeline.Privacy;

/// <summary>What ingestion does with personal data it finds in an event.</summary>
public enum PiiMode
{
    /// <summary>The event is refused with the field and the reason (default).</summary>
    Reject,

    /// <summary>The offending property is removed (not allowlisted) or its value replaced by <c>[redacted]</c>.</summary>
    Redact,
}

/// <summary>Privacy rules (section <c>Privacy</c>): PII handling at ingestion and data-access grants.</summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Privacy";

    /// <summary>The value stored in place of a redacted property.</summary>
    public const string RedactedValue = "[redacted]";

    /// <summary>Reject (default) or redact events that carry personal data in their properties.</summary>
    public PiiMode PiiMode { get; set; } = PiiMode.Reject;

    /// <summary>
    /// Property keys accepted per event type (<c>*</c> applies to every type). Configuring the section replaces
    /// the built-in list as a whole.
    /// </summary>
    public Dictionary<string, string[]>? AllowedProperties { get; set; }

    /// <summary>Length of a data-access grant when the admin does not choose one, in hours.</summary>
    public int DefaultGrantHours { get; set; } = 24;

    /// <summary>Longest data-access grant an admin may give, in hours.</summary>
    public int MaxGrantHours { get; set; } = 168;

    /// <summary>Built-in property allowlist: short codes that describe the action, never the person.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> BuiltInAllowedProperties = new Dictionary<string, string[]>
    {
        ["*"] = ["device", "locale", "page", "reward", "experiment", "variant"],
        [EventTypes.PageView] = ["utm_source", "utm_medium", "utm_campaign", "referrer_domain"],
        [EventTypes.RewardView] = ["reward"],
        [EventTypes.CartCreated] = ["reward", "quantity", "add_on"],
        [EventTypes.CheckoutStarted] = ["reward", "quantity", "add_on", "payment", "retry"],
        [EventTypes.CheckoutFailed] = ["reason", "payment"],
        [EventTypes.PledgeCompleted] = ["reward", "quantity", "add_on", "payment"],
        [EventTypes.PledgeRefunded] = ["reward", "reason"],
    };

    private IReadOnlyDictionary<string, HashSet<string>>? _allowed;

    /// <summary>Whether <paramref name="key"/> may appear in the properties of a <paramref name="type"/> event.</summary>
    public bool IsAllowed(string type, string key)
    {
        _allowed ??= (AllowedProperties is { Count: > 0 } configured ? configured : BuiltInAllowedProperties)
            .ToDictionary(p => p.Key, p => new HashSet<string>(p.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        return (_allowed.TryGetValue(type, out var keys) && keys.Contains(key)) ||
               (_allowed.TryGetValue("*", out var any) && any.Contains(key));
    }

    /// <summary>The keys allowed for <paramref name="type"/>, each once (a key allowed for every type and for this one too is not repeated), for error messages.</summary>
    public IEnumerable<string> AllowedFor(string type)
    {
        var source = AllowedProperties is { Count: > 0 } configured ? configured : BuiltInAllowedProperties;
        return (source.TryGetValue(type, out var keys) ? keys : []).Concat(source.TryGetValue("*", out var any) ? any : [])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
    }
}
