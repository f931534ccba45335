using System.Reflection;
using System.Text.RegularExpressions;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Architecture;

/// <summary>
/// docs/contributing.md names every file, type and test a recipe touches; these tests keep those names real, so a
/// rename or a move that forgets the recipes fails here instead of misleading the next newcomer.
/// </summary>
[Layer(TestLayer.Unit)]
public partial class ContributingRecipesTests
{
    private const string RecipesPath = "docs/contributing.md";

    private static readonly string[] FileExtensions = [".cs", ".razor", ".md", ".json", ".sh"];

    private static readonly Assembly[] Assemblies =
    [
        typeof(Crowdstart.Pipeline.PipelineExtensions).Assembly,
        typeof(Program).Assembly,
        typeof(ContributingRecipesTests).Assembly,
    ];

    private static string Recipes() => File.ReadAllText(Path.Combine(RepositoryFiles.Root, RecipesPath));

    [GeneratedRegex("`([^`\\n]+)`")]
    private static partial Regex Backticked();

    // A repository path: relative, no spaces, segments of file-name characters (placeholders allowed: <Name>, …, *).
    [GeneratedRegex(@"^[A-Za-z<][A-Za-z0-9_.<>…*\-]*(/[A-Za-z0-9_.<>…*\-]+)+/?$")]
    private static partial Regex RepositoryPath();

    // A file named without its folder: MetricWriter.cs, MetricsQuery.Sections.cs.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.\-]*\.(cs|razor|md|json|sh)$")]
    private static partial Regex BareFileName();

    // A test class (AccessMatrixTests) or a type and one of its members (HostingExtensions.AddDashboard), optionally
    // with a call's parentheses (ExplorerForm.Encode()).
    [GeneratedRegex(@"^(?<type>[A-Z][A-Za-z0-9]*Tests)$|^(?<type>[A-Z][A-Za-z0-9]*)\.(?<member>[A-Z][A-Za-z0-9]*)(\(\))?$")]
    private static partial Regex TypeOrMember();

    private static IEnumerable<string> Spans(string markdown) =>
        Backticked().Matches(markdown).Select(m => m.Groups[1].Value.Trim()).Distinct();

    private static bool IsPlaceholder(string segment) => segment.IndexOfAny(['<', '>', '…', '*']) >= 0;

    /// <summary>Backticked repository paths of <paramref name="markdown"/> that do not exist under <paramref name="root"/>.</summary>
    internal static List<string> MissingPaths(string markdown, string root, out int checkedCount)
    {
        var missing = new List<string>();
        checkedCount = 0;
        foreach (var span in Spans(markdown).Where(s => RepositoryPath().IsMatch(s)))
        {
            var segments = span.TrimEnd('/').Split('/');
            var isFile = FileExtensions.Any(e => span.EndsWith(e, StringComparison.Ordinal));
            // A folder path is one whose first segment is a top-level entry (Crowdstart.Pipeline/Errors), which tells
            // it from prose such as "and/or"; file paths always count.
            if (!isFile && !IsPlaceholder(segments[0]) && !Directory.Exists(Path.Combine(root, segments[0])) && !LooksLikeProjectFolder(segments[0]))
            {
                continue;
            }
            checkedCount++;
            // Placeholders: what precedes the first one must exist; a last segment with only '*' must match something.
            var literal = segments.TakeWhile(s => !IsPlaceholder(s)).ToArray();
            var path = Path.Combine([root, .. literal]);
            if (literal.Length == segments.Length)
            {
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    missing.Add(span);
                }
            }
            else if (literal.Length > 0 && !Directory.Exists(path))
            {
                missing.Add(span);
            }
            else if (literal.Length == segments.Length - 1 && segments[^1].Contains('*') && segments[^1].IndexOfAny(['<', '…']) < 0 &&
                     !Directory.EnumerateFileSystemEntries(path, segments[^1]).Any())
            {
                missing.Add(span);
            }
        }
        return missing;
    }

    private static bool LooksLikeProjectFolder(string segment) =>
        segment.StartsWith("Crowdstart.", StringComparison.Ordinal) || segment is "docs" or "scripts" or "bench";

    /// <summary>Backticked bare file names (<c>MetricWriter.cs</c>) that name no file of the repository.</summary>
    internal static List<string> MissingFileNames(string markdown, string root, out int checkedCount)
    {
        var names = Spans(markdown).Where(s => BareFileName().IsMatch(s)).ToList();
        checkedCount = names.Count;
        var present = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                        !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        return names.Where(n => !present.Contains(n)).ToList();
    }

    /// <summary>Backticked <c>SomethingTests</c> and <c>Type.Member</c> names that no type (or member) of the product and test assemblies has.</summary>
    internal static List<string> MissingTypes(string markdown, IReadOnlyList<Assembly> assemblies, out int checkedCount)
    {
        var types = assemblies.SelectMany(a => a.GetTypes()).ToLookup(t => t.Name.Split('`')[0], StringComparer.Ordinal);
        var missing = new List<string>();
        checkedCount = 0;
        foreach (var span in Spans(markdown))
        {
            var match = TypeOrMember().Match(span);
            if (!match.Success)
            {
                continue;
            }
            checkedCount++;
            var candidates = types[match.Groups["type"].Value].ToList();
            var member = match.Groups["member"];
            const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;
            if (candidates.Count == 0 || (member.Success && !candidates.Any(t => t.GetMember(member.Value, Any).Length > 0)))
            {
                missing.Add(span);
            }
        }
        return missing;
    }

    [Fact]
    public void Recipes_BacktickedRepositoryPaths_AllExist()
    {
        // Arrange
        var markdown = Recipes();

        // Act
        var missing = MissingPaths(markdown, RepositoryFiles.Root, out var checkedCount);

        // Assert: the scan saw the recipes' paths (an empty scan would pass on nothing), and each one exists
        Assert.True(checkedCount >= 30, $"only {checkedCount} repository paths found in {RecipesPath}");
        Assert.True(missing.Count == 0, $"{RecipesPath} names paths that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void Recipes_BacktickedFileNames_AllExist()
    {
        // Arrange
        var markdown = Recipes();

        // Act
        var missing = MissingFileNames(markdown, RepositoryFiles.Root, out _);

        // Assert
        Assert.True(missing.Count == 0, $"{RecipesPath} names files that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void Recipes_BacktickedTestClassesAndMembers_AllExist()
    {
        // Arrange
        var markdown = Recipes();

        // Act
        var missing = MissingTypes(markdown, Assemblies, out var checkedCount);

        // Assert
        Assert.True(checkedCount >= 10, $"only {checkedCount} type names found in {RecipesPath}");
        Assert.True(missing.Count == 0, $"{RecipesPath} names types or members that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void Checks_DocNamingAbsentPathFileTypeAndMember_ReportEach()
    {
        // Arrange: names a reader could plausibly mistype, next to real ones
        const string markdown =
            "`Crowdstart.Pipeline/Errors` `Crowdstart.Pipeline/Erors` `Crowdstart.Tests/Security/AccessMatrixTests.cs` " +
            "`Crowdstart.Tests/Security/AccessMatixTests.cs` `Crowdstart.Pipeline/<Feature>/<Feature>Options.cs` " +
            "`Crowdstart.Pipline/<Feature>/X.cs` `Crowdstart.Dashboard/Model/CampaignLiveView*.cs` `Crowdstart.Dashboard/Model/Nothing*.cs` " +
            "`MetricWriter.cs` `MetricWritter.cs` `AccessMatrixTests` `AccessMatrixTest` `MetricTablesTests` `NoSuchRecipeTests` " +
            "`HostingExtensions.AddDashboard` `HostingExtensions.AddDashbord` `AccessMatrixTests.Expected` `DashboardTestContext.SignIn`";

        // Act
        var paths = MissingPaths(markdown, RepositoryFiles.Root, out _);
        var files = MissingFileNames(markdown, RepositoryFiles.Root, out _);
        var types = MissingTypes(markdown, Assemblies, out _);

        // Assert
        Assert.Equal(["Crowdstart.Pipeline/Erors", "Crowdstart.Tests/Security/AccessMatixTests.cs", "Crowdstart.Pipline/<Feature>/X.cs",
            "Crowdstart.Dashboard/Model/Nothing*.cs"], paths);
        Assert.Equal(["MetricWritter.cs"], files);
        Assert.Equal(["NoSuchRecipeTests", "HostingExtensions.AddDashbord"], types);
    }
}
