using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// Runs an options validator on settings given as configuration keys (<c>Ingestion:MaxEventsPerRequest=0</c>), bound
/// the way the app binds them, so a test also proves the key it names is the key that sets the property.
/// </summary>
public static class OptionsValidation
{
    public static ValidateOptionsResult Validate<TOptions>(IValidateOptions<TOptions> validator, string section, params string[] settings)
        where TOptions : class, new()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], (string?)p[1])))
            .Build();
        var options = new TOptions();
        configuration.GetSection(section).Bind(options);
        return validator.Validate(Options.DefaultName, options);
    }

    /// <summary>Asserts a failure that carries exactly <paramref name="expected"/>, every one of them in its one message.</summary>
    public static void AssertFails(ValidateOptionsResult result, params string[] expected)
    {
        Assert.True(result.Failed, "the settings were accepted");
        Assert.Equal(expected.Order(StringComparer.Ordinal), result.Failures!.Order(StringComparer.Ordinal));
        foreach (var message in expected)
        {
            Assert.Contains(message, result.FailureMessage);
        }
    }
}
