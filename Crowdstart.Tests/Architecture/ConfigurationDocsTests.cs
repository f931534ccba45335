using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Architecture;

/// <summary>README's configuration table, the shipped appsettings.json and the options classes say the same.</summary>
[Layer(TestLayer.Unit)]
public sealed partial class ConfigurationDocsTests
{
    /// <summary>Every options class: the types with a <c>SectionName</c> constant in the product assemblies.</summary>
    private static IEnumerable<(string Section, Type Type)> OptionsClasses() =>
        new[] { typeof(Crowdstart.Pipeline.PipelineExtensions).Assembly, typeof(Program).Assembly }
            .SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Type.Name.EndsWith("Options", StringComparison.Ordinal))
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type));

    private static HashSet<string> SettingKeys() => [.. OptionsClasses().SelectMany(o => Keys(o.Section, o.Type))];

    /// <summary>A class's settings; a nested options class (<c>Log:JetStream</c>) contributes its own keys under its name.</summary>
    private static IEnumerable<string> Keys(string prefix, Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite)
        .SelectMany(p => p.PropertyType.IsClass && p.PropertyType.Name.EndsWith("Options", StringComparison.Ordinal)
            ? Keys($"{prefix}:{p.Name}", p.PropertyType)
            : [$"{prefix}:{p.Name}"]);

    /// <summary>Keys of README's configuration table; "<c>`A:B` / `C`</c>" rows name A:B and A:C.</summary>
    private static HashSet<string> DocumentedKeys()
    {
        var keys = new HashSet<string>();
        foreach (Match row in TableRow().Matches(RepositoryFiles.Read("README.md")))
        {
            var names = row.Groups["keys"].Value.Split(" / ").Select(k => k.Trim('`')).ToArray();
            var section = names[0].Contains(':') ? names[0][..names[0].LastIndexOf(':')] : names[0];
            keys.Add(names[0]);
            keys.UnionWith(names.Skip(1).Select(n => n.Contains(':') ? n : $"{section}:{n}"));
        }
        return keys;
    }

    [Fact]
    public void Readme_ConfigurationTable_NamesEverySettingThatExists()
    {
        // Arrange
        var settings = SettingKeys();

        // Act
        var documented = DocumentedKeys();

        // Assert
        Assert.True(settings.Count >= 40, "options classes found: " + string.Join(", ", OptionsClasses().Select(o => o.Section)));
        Assert.Empty(settings.Except(documented).Order());
        Assert.Empty(documented.Except(settings).Except(["ConnectionStrings:Crowdstart", "Urls"]).Order());
    }

    [Fact]
    public void AppSettings_EverySection_OnlyKeysThatExist()
    {
        // Arrange: a misspelt key in appsettings.json is silently ignored by the binder, so the default wins unnoticed
        var settings = SettingKeys();
        using var json = JsonDocument.Parse(RepositoryFiles.Read("appsettings.json"));

        // Act
        var unknown = OptionsClasses().Select(o => o.Section).Distinct()
            .Where(section => json.RootElement.TryGetProperty(section, out _))
            .SelectMany(section => json.RootElement.GetProperty(section).EnumerateObject().Select(p => $"{section}:{p.Name}"))
            .Where(key => !settings.Contains(key))
            .ToList();

        // Assert
        Assert.Empty(unknown);
    }

    [GeneratedRegex(@"^\| (?<keys>`(?:Urls|[A-Za-z]+:[A-Za-z:]+)`(?: / `[A-Za-z:]+`)*) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
