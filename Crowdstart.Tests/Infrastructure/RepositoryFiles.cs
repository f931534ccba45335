namespace Crowdstart.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from (docs, settings), found upwards from the test binaries.</summary>
public static class RepositoryFiles
{
    private static readonly Lazy<string> RootFolder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Crowdstart.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Crowdstart.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The folder holding <c>Crowdstart.sln</c>.</summary>
    public static string Root => RootFolder.Value;

    /// <summary>The text of a file given by its path from the repository root.</summary>
    public static string Read(string path) => File.ReadAllText(Path.Combine(Root, path));
}
