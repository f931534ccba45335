using System.Text.RegularExpressions;
using Crowdstart.Dashboard.Model;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Model;

/// <summary>The tiles' definitions have one source in code, and docs/metrics.md says the same words.</summary>
[Layer(TestLayer.Unit)]
public sealed partial class MetricDefinitionsTests
{
    [GeneratedRegex(@"^\* \*\*(?<name>.+?)\*\*: (?<definition>.+)$", RegexOptions.Multiline)]
    private static partial Regex Entry();

    private static Dictionary<string, string> Documented()
    {
        var doc = RepositoryFiles.Read("docs/metrics.md");
        var start = doc.IndexOf("## Figures on the campaign page", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/metrics.md has no \"Figures on the campaign page\" section");
        var end = doc.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        var section = doc[start..(end < 0 ? doc.Length : end)];
        return Entry().Matches(section).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["definition"].Value.TrimEnd());
    }

    [Fact]
    public void Docs_FiguresSection_MatchesEveryDefinitionInCodeWordForWord()
    {
        var documented = Documented();

        var expected = MetricDefinitions.All.ToDictionary(d => d.Name, d => d.Definition);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, definition) in expected)
        {
            Assert.Equal(definition, documented[name]);
        }
    }

    [Fact]
    public void All_Names_DistinctAndTheTwoConversionsNamedApart()
    {
        var names = MetricDefinitions.All.Select(d => d.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.StartsWith("Visit → pledge", MetricDefinitions.VisitConversion.Name);
        Assert.StartsWith("Checkout → pledge", MetricDefinitions.CheckoutConversion.Name);
        Assert.All(MetricDefinitions.All, d => Assert.False(string.IsNullOrWhiteSpace(d.Definition)));
    }

    [Fact]
    public void AlertTitles_ConversionDetectors_UseTheDashboardNames()
    {
        Assert.Equal(MetricDefinitions.VisitConversion.Name + " drop",
            Crowdstart.Pipeline.Alerts.AlertWording.Title(Crowdstart.Pipeline.Alerts.DetectorKinds.VisitConversionDrop));
        Assert.Equal(MetricDefinitions.CheckoutConversion.Name + " drop",
            Crowdstart.Pipeline.Alerts.AlertWording.Title(Crowdstart.Pipeline.Alerts.DetectorKinds.CheckoutConversionDrop));
    }
}
