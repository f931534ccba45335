using Crowdstart.Dashboard.Model;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Model;

[Layer(TestLayer.Unit)]
public sealed class ExplorerLabelsTests
{
    [Theory]
    [InlineData("filters[1].values", "Filter 2 value")]
    [InlineData("filters[0].op", "Filter 1 operator")]
    [InlineData("groupBy[2]", "Group by")]
    [InlineData("time.from", "Time")]
    [InlineData("sort.by", "Sort by")]
    public void FieldName_ValidationPath_ReadsAsTheBuildersLabel(string path, string expected)
    {
        // Act
        var name = ExplorerLabels.FieldName(path);

        // Assert
        Assert.Equal(expected, name);
    }

    [Fact]
    public void FieldLabel_Property_SaysItIsAProperty()
    {
        // Act
        var label = ExplorerLabels.FieldLabel("property:reward");

        // Assert
        Assert.Equal("reward (property)", label);
    }

    [Fact]
    public void OperatorsFor_TextAndAmount_ComparisonsOnlyForAmounts()
    {
        // Act
        var text = ExplorerLabels.OperatorsFor("source").ToList();
        var amount = ExplorerLabels.OperatorsFor("amount").ToList();

        // Assert
        Assert.DoesNotContain("gt", text);
        Assert.Contains("contains", text);
        Assert.Contains("between", amount);
        Assert.DoesNotContain("contains", amount);
        Assert.Equal("≥", ExplorerLabels.OperatorLabel("gte"));
        Assert.Equal("is not set", ExplorerLabels.OperatorLabel("missing"));
    }
}
