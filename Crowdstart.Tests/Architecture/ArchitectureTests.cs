using Crowdstart.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Crowdstart.Tests.Architecture;

/// <summary>The layers README describes, checked on the compiled assemblies.</summary>
[Layer(TestLayer.Unit)]
public class ArchitectureTests(ITestOutputHelper output)
{
    private static readonly System.Reflection.Assembly Pipeline = typeof(Crowdstart.Pipeline.PipelineExtensions).Assembly;

    [Fact]
    public void PipelineNamespaces_DependencyGraph_HasNoCycles()
    {
        // Act
        var graph = NamespaceGraph.Of(Pipeline, "Crowdstart.Pipeline");
        foreach (var (from, to) in graph.Edges.OrderBy(e => e.Key))
        {
            output.WriteLine($"{from} → {string.Join(", ", to.Order())}");
        }

        // Assert
        Assert.True(graph.Edges.Count >= 10, "the graph was read (features found: " + string.Join(", ", graph.Edges.Keys) + ")");
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, $"namespace cycles: {string.Join("; ", cycles.Select(c => string.Join(" → ", c)))}; two-way: {string.Join(", ", graph.TwoWayPairs())}");
    }

    [Fact]
    public void Pipeline_UiFrameworks_NotReferenced()
    {
        // Act: the pipeline is the backend; pages, components and browser interop belong to the dashboard
        var result = NetArchTest.Rules.Types.InAssembly(Pipeline).Should()
            .NotHaveDependencyOnAny("Microsoft.AspNetCore.Components", "Microsoft.JSInterop", "MudBlazor").GetResult();

        // Assert
        Assert.True(result.IsSuccessful, "pipeline types using UI frameworks: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Pipeline_HttpEndpoints_NotMapped()
    {
        // Act: routes, results and request handling are the web app's; the pipeline offers services they call
        var result = NetArchTest.Rules.Types.InAssembly(Pipeline).Should()
            .NotHaveDependencyOnAny("Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Mvc",
                "Microsoft.AspNetCore.Http.HttpContext", "Microsoft.AspNetCore.Http.HttpResults", "Microsoft.AspNetCore.Http.IResult",
                "Microsoft.AspNetCore.Http.Results", "Microsoft.AspNetCore.Http.TypedResults")
            .GetResult();

        // Assert
        Assert.True(result.IsSuccessful, "pipeline types handling HTTP: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void DashboardComponents_StorageEntities_NotReferenced()
    {
        // Act: components read view models, DTOs and the features' read models; EF entities stay behind the pipeline's
        // services, so a page cannot lazy-load, track or write a row by accident.
        var offenders = NetArchTest.Rules.Types.InAssembly(typeof(Program).Assembly).That().ResideInNamespace("Crowdstart.Dashboard.Components")
            .And().AreNotNested()
            .Should().NotHaveDependencyOn("Crowdstart.Pipeline.Storage.Entities").GetResult().FailingTypeNames ?? [];
        output.WriteLine(string.Join(Environment.NewLine, offenders.Order()));

        // Assert
        Assert.Empty(offenders);
    }
}
