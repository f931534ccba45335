using Crowdstart.Dashboard.Components.Pages;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Pages;

/// <summary>A timeline event's properties read as a list of names and values, not as raw JSON.</summary>
[Layer(TestLayer.Unit)]
public sealed class CustomerTimelinePropertiesTests
{
    [Fact]
    public void PropertyList_JsonObject_NamesAndPlainValues()
    {
        var list = CustomerTimeline.PropertyList("""{"reward":"early bird","quantity":2,"add_on":["stand","cable"],"retry":true,"payment":null}""");

        Assert.Equal([("reward", "early bird"), ("quantity", "2"), ("add on", "stand, cable"), ("retry", "yes"), ("payment", "—")], list);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    public void PropertyList_NoProperties_Empty(string? json) => Assert.Empty(CustomerTimeline.PropertyList(json));

    [Fact]
    public void PropertyList_NotAnObject_ShownAsOneValueNotLost()
    {
        Assert.Equal([("properties", "[1,2]")], CustomerTimeline.PropertyList("[1,2]"));
        Assert.Equal([("properties", "{oops")], CustomerTimeline.PropertyList("{oops"));
    }
}
