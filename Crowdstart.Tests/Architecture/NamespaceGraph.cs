using System.Reflection;
using NetArchTest.Rules;

namespace Crowdstart.Tests.Architecture;

/// <summary>
/// Which feature namespaces of an assembly depend on which, read from the compiled code (NetArchTest reads the IL:
/// field, parameter, local and call references, not just using directives). A feature is the first namespace level
/// under the assembly's root (<c>Crowdstart.Pipeline.Storage.Entities</c> belongs to <c>Storage</c>); the root
/// namespace itself is the feature <c>(root)</c>.
/// </summary>
internal sealed class NamespaceGraph
{
    private NamespaceGraph(string root, IReadOnlyDictionary<string, IReadOnlySet<string>> edges)
    {
        Root = root;
        Edges = edges;
    }

    public string Root { get; }

    /// <summary>Feature → the features it depends on.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Edges { get; }

    public static NamespaceGraph Of(Assembly assembly, string root)
    {
        var features = assembly.GetTypes().Select(t => Feature(root, t.Namespace)).OfType<string>().Distinct().Order().ToList();
        var edges = new Dictionary<string, IReadOnlySet<string>>();
        foreach (var from in features)
        {
            var targets = new HashSet<string>();
            foreach (var to in features.Where(f => f != from && f != "(root)"))
            {
                // NetArchTest matches namespaces by prefix, so a feature's sub-namespaces count as the feature.
                var result = From(assembly, root, from).Should().NotHaveDependencyOn($"{root}.{to}").GetResult();
                if (!result.IsSuccessful)
                {
                    targets.Add(to);
                }
            }
            if (from != "(root)" && !From(assembly, root, from).Should().NotHaveDependencyOnAny(RootTypes(assembly, root)).GetResult().IsSuccessful)
            {
                targets.Add("(root)");
            }
            edges[from] = targets;
        }
        return new NamespaceGraph(root, edges);
    }

    private static PredicateList From(Assembly assembly, string root, string feature) => feature == "(root)"
        ? Types.InAssembly(assembly).That().ResideInNamespaceMatching($"^{Regex(root)}$")
        : Types.InAssembly(assembly).That().ResideInNamespace($"{root}.{feature}");

    // Types of the root namespace itself, by full name (a prefix match on the root would match everything).
    private static string[] RootTypes(Assembly assembly, string root) =>
        [.. assembly.GetTypes().Where(t => t.Namespace == root && !t.IsNested && !t.Name.StartsWith('<')).Select(t => t.FullName!)];

    private static string Regex(string s) => System.Text.RegularExpressions.Regex.Escape(s);

    private static string? Feature(string root, string? ns)
    {
        if (ns is null || !(ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal)))
        {
            return null;
        }
        return ns == root ? "(root)" : ns[(root.Length + 1)..].Split('.')[0];
    }

    /// <summary>Every pair of features that depend on each other, directly or through others (strongly connected components of two or more).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = 0;
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var indices = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var components = new List<IReadOnlyList<string>>();
        void Connect(string v)
        {
            indices[v] = low[v] = index++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.GetValueOrDefault(v) ?? new HashSet<string>())
            {
                if (!indices.ContainsKey(w))
                {
                    Connect(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], indices[w]);
                }
            }
            if (low[v] == indices[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    components.Add([.. component.Order()]);
                }
            }
        }
        foreach (var v in Edges.Keys.Where(v => !indices.ContainsKey(v)))
        {
            Connect(v);
        }
        return components;
    }

    /// <summary>The direct two-way pairs, for a readable failure message.</summary>
    public IEnumerable<string> TwoWayPairs() =>
        from a in Edges.Keys
        from b in Edges[a]
        where string.CompareOrdinal(a, b) < 0 && Edges.TryGetValue(b, out var back) && back.Contains(a)
        select $"{a} ↔ {b}";
}
