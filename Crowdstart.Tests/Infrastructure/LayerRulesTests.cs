using System.Reflection;
using Bunit;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// Keeps the <see cref="TestLayer"/> marks true: every test class has one, and it is the layer of what the class
/// actually takes (constructor, class and collection fixtures, fields, base class). A class marked Unit that starts
/// taking a database would otherwise fail <c>scripts/test.sh --fast</c> on a machine without PostgreSQL, or worse,
/// a database test marked Unit would silently leave the fast run's promise.
/// </summary>
[Layer(TestLayer.Unit)]
public class LayerRulesTests
{
    private static readonly Type[] TestClasses = [.. typeof(LayerRulesTests).Assembly.GetTypes()
        .Where(t => t.IsClass && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any()))
        .OrderBy(t => t.FullName)];

    /// <summary>The layer a class needs, from what it takes; Unit for plain classes, Component for bUnit ones.</summary>
    internal static TestLayer Needed(Type testClass)
    {
        // xunit's CollectionAttribute keeps its name only as a constructor argument.
        var collection = testClass.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(CollectionAttribute))?.ConstructorArguments[0].Value as string;
        var taken = testClass.GetConstructors().SelectMany(k => k.GetParameters()).Select(p => p.ParameterType)
            .Concat(testClass.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>)).Select(i => i.GetGenericArguments()[0]))
            .Concat(testClass.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public).Select(f => f.FieldType))
            .ToList();
        bool Takes<T>() => taken.Any(typeof(T).IsAssignableFrom);

        if (collection == FaultCollection.Name)
        {
            return TestLayer.Fault;
        }
        if (Takes<BrowserFixture>() || typeof(BrowserTest).IsAssignableFrom(testClass))
        {
            return TestLayer.Browser;
        }
        if (Takes<AppFixture>() || collection == AppCollection.Name)
        {
            return TestLayer.App;
        }
        if (Takes<TestDatabase>())
        {
            return TestLayer.Database;
        }
        return Takes<BunitContext>() || typeof(BunitContext).IsAssignableFrom(testClass) ? TestLayer.Component : TestLayer.Unit;
    }

    [Fact]
    public void TestClasses_Found_IncludeEveryLayerAndThisClass()
    {
        // Without this, a broken type scan would make the two rules below pass on nothing.
        Assert.Contains(typeof(LayerRulesTests), TestClasses);
        Assert.Equal(Enum.GetValues<TestLayer>(), TestClasses.Select(t => t.GetCustomAttribute<LayerAttribute>()?.Layer)
            .OfType<TestLayer>().Distinct().Order());
    }

    [Fact]
    public void TestClasses_Every_HasALayer()
    {
        var unmarked = TestClasses.Where(t => t.GetCustomAttribute<LayerAttribute>(inherit: false) is null).Select(t => t.FullName).ToList();

        Assert.True(unmarked.Count == 0, "test classes without [Layer(...)]: " + string.Join(", ", unmarked));
    }

    [Fact]
    public void TestClasses_Every_MarkedWithTheLayerOfWhatItTakes()
    {
        var wrong = TestClasses
            .Select(t => (Type: t, Marked: t.GetCustomAttribute<LayerAttribute>(inherit: false)?.Layer, Needed: Needed(t)))
            .Where(x => x.Marked is { } marked && marked != x.Needed)
            .Select(x => $"{x.Type.FullName} is marked {x.Marked} but takes what {x.Needed} needs")
            .ToList();

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void LayerTraitDiscoverer_LayerAttribute_GivesTheLayerTrait()
    {
        var attribute = typeof(LayerRulesTests).GetCustomAttributesData().Single(a => a.AttributeType == typeof(LayerAttribute));

        var traits = new LayerTraitDiscoverer().GetTraits(new Xunit.Sdk.ReflectionAttributeInfo(attribute)).ToList();

        Assert.Equal([new KeyValuePair<string, string>("Layer", "Unit")], traits);
    }
}
