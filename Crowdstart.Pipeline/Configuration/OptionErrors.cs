using System.Globalization;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Configuration;

/// <summary>
/// Collects every problem of one options section, so a bad deployment learns all of them from one failed start
/// instead of one per restart (each message names the full key, e.g. <c>Ingestion:MaxEventsPerRequest</c>).
/// </summary>
public sealed class OptionErrors(string section)
{
    private readonly List<string> _errors = [];

    /// <summary>The full configuration key of <paramref name="setting"/>, e.g. <c>Ingestion:MaxEventsPerRequest</c>.</summary>
    public string Key(string setting) => $"{section}:{setting}";

    /// <summary>Reports <paramref name="setting"/> unless <paramref name="value"/> is within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public OptionErrors Range(string setting, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            _errors.Add($"{Key(setting)} must be between {Format(min)} and {Format(max)} (was {Format(value)})");
        }
        return this;
    }

    /// <summary>Reports <paramref name="setting"/> unless <paramref name="value"/> is a number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public OptionErrors Range(string setting, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            _errors.Add($"{Key(setting)} must be between {Format(min)} and {Format(max)} (was {value.ToString(CultureInfo.InvariantCulture)})");
        }
        return this;
    }

    /// <summary>Reports <paramref name="message"/> (which names its keys) unless <paramref name="valid"/>.</summary>
    public OptionErrors Require(bool valid, string message)
    {
        if (!valid)
        {
            _errors.Add(message);
        }
        return this;
    }

    /// <summary>Success, or one failure carrying every problem found.</summary>
    public ValidateOptionsResult Result() => _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);

    /// <summary>Thousands separated, culture-independent: <c>10,000</c>.</summary>
    public static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);
}
