using Xunit.Abstractions;
using Xunit.Sdk;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// What a test class needs to run, from nothing to a whole running app with a browser. Each layer is an xunit
/// trait (<c>Layer=Unit</c>…), so <c>dotnet test --filter "Layer=Unit|Layer=Component"</c> runs the tests that need
/// neither PostgreSQL nor Chromium (<c>scripts/test.sh --fast</c>). <see cref="LayerRulesTests"/> keeps the marks true.
/// </summary>
public enum TestLayer
{
    /// <summary>Plain code in memory: no database, no app, no browser.</summary>
    Unit,

    /// <summary>Blazor components rendered by bUnit in memory, with fakes for what they call.</summary>
    Component,

    /// <summary>A PostgreSQL database of the class's own (<see cref="TestDatabase"/>), bUnit over it included.</summary>
    Database,

    /// <summary>The running app over HTTP or SignalR (<see cref="AppFixture"/>; its collection starts Chromium too).</summary>
    App,

    /// <summary>Pages of the running app in Chromium (<see cref="BrowserFixture"/>).</summary>
    Browser,

    /// <summary>Fault injection with an app of its own (a cut database, SIGKILLed processes), run alone.</summary>
    Fault,
}

/// <summary>Marks a test class with its <see cref="TestLayer"/> (the trait <c>Layer</c>); one per class.</summary>
[TraitDiscoverer("Crowdstart.Tests.Infrastructure.LayerTraitDiscoverer", "Crowdstart.Tests")]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LayerAttribute(TestLayer layer) : Attribute, ITraitAttribute
{
    public const string TraitName = "Layer";

    public TestLayer Layer { get; } = layer;
}

/// <summary>Turns <see cref="LayerAttribute"/> into the trait <c>Layer=&lt;name&gt;</c>.</summary>
public sealed class LayerTraitDiscoverer : ITraitDiscoverer
{
    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        var layer = (TestLayer)traitAttribute.GetConstructorArguments().Single();
        yield return new(LayerAttribute.TraitName, layer.ToString());
    }
}
