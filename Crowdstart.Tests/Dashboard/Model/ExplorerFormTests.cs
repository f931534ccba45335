using Crowdstart.Dashboard.Model;
using Crowdstart.Pipeline.Query;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Model;

/// <summary>The explorer's form: its URL form, and the typed query it becomes.</summary>
[Layer(TestLayer.Unit)]
public class ExplorerFormTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EncodeDecode_FullForm_RoundTripsEveryField()
    {
        var form = new ExplorerForm
        {
            Campaigns = [Guid.NewGuid(), Guid.NewGuid()],
            Time = ExplorerTimeMode.SinceLaunch,
            FromHour = 0,
            ToHour = 1.5,
            Types = ["pledge_completed"],
            Filters = [new ExplorerFilter { Field = "property:reward", Op = "in", Values = "early_bird, \"a, b\"" }],
            GroupBy = ["network", "property:reward"],
            Measures = ["count", "sum_amount"],
            SortBy = "sum_amount",
            Descending = true,
            Limit = 250,
        };

        var decoded = ExplorerForm.Decode(form.Encode(), out var error);

        Assert.Null(error);
        Assert.NotNull(decoded);
        Assert.Equal(form.Campaigns, decoded.Campaigns);
        Assert.Equal(ExplorerTimeMode.SinceLaunch, decoded.Time);
        Assert.Equal(1.5, decoded.ToHour);
        Assert.Equal("early_bird, \"a, b\"", decoded.Filters.Single().Values);
        Assert.Equal(form.GroupBy, decoded.GroupBy);
        Assert.Equal(form.Encode(), decoded.Encode());
        Assert.DoesNotContain('+', form.Encode());
        Assert.DoesNotContain('/', form.Encode());
    }

    [Theory]
    [InlineData("%%%not-base64")]
    [InlineData("bm90IGpzb24")] // "not json"
    public void Decode_Garbage_ReturnsNullWithReason(string value)
    {
        Assert.Null(ExplorerForm.Decode(value, out var error));
        Assert.Contains("could not be read", error);
    }

    [Fact]
    public void Decode_TooLong_RefusedBeforeParsing()
    {
        Assert.Null(ExplorerForm.Decode(new string('A', ExplorerForm.MaxEncodedLength + 1), out var error));
        Assert.Contains("too long", error);
    }

    [Fact]
    public void ToQuery_LastHours_ResolvesAgainstNow()
    {
        var query = new ExplorerForm { Campaigns = [Guid.NewGuid()], Time = ExplorerTimeMode.LastHours, LastHours = 6 }.ToQuery(Now);

        Assert.Equal(Now.AddHours(-6), query.Time!.From);
        Assert.Null(query.Time.To);
    }

    [Fact]
    public void ToQuery_Between_IncludesTheEndDay()
    {
        var query = new ExplorerForm { Time = ExplorerTimeMode.Between, FromDate = new DateTime(2026, 11, 1), ToDate = new DateTime(2026, 11, 3) }.ToQuery(Now);

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), query.Time!.From);
        Assert.Equal(new DateTimeOffset(2026, 11, 4, 0, 0, 0, TimeSpan.Zero), query.Time.To);
    }

    [Fact]
    public void ToQuery_SinceLaunchAndAllTime_MapToLaunchHoursAndNoBounds()
    {
        var launch = new ExplorerForm { Time = ExplorerTimeMode.SinceLaunch, FromHour = 0, ToHour = 4 }.ToQuery(Now);
        var all = new ExplorerForm { Time = ExplorerTimeMode.AllTime }.ToQuery(Now);

        Assert.Equal(new QueryTime(FromHoursSinceLaunch: 0, ToHoursSinceLaunch: 4), launch.Time);
        Assert.Null(all.Time);
    }

    [Fact]
    public void ToQuery_FiltersAndDimensions_SplitValuesAndPutTimeFirst()
    {
        var query = new ExplorerForm
        {
            GroupBy = ["network", "hour"],
            Filters =
            [
                new ExplorerFilter { Field = "source", Op = "in", Values = " social:reddit , direct,," },
                new ExplorerFilter { Field = "property:reward", Op = "exists", Values = "ignored" },
            ],
        }.ToQuery(Now);

        Assert.Equal(["hour", "network"], query.GroupBy);
        Assert.Equal(["social:reddit", "direct"], query.Filters[0].Values);
        Assert.Empty(query.Filters[1].Values!);
    }

    [Fact]
    public void SplitValues_QuotedComma_StaysInOneValue()
    {
        Assert.Equal(["a, b", "c"], ExplorerForm.SplitValues("\"a, b\", c"));
        Assert.Empty(ExplorerForm.SplitValues("  "));
    }

    [Fact]
    public void Summary_DescribesTheQuery()
    {
        var id = Guid.NewGuid();
        var form = new ExplorerForm { Campaigns = [id], Types = ["pledge_completed"], GroupBy = ["network"], Measures = ["count"], Time = ExplorerTimeMode.LastHours, LastHours = 24 };

        Assert.Equal("Events by Network · Pledge · last 24 h · Aurora", form.Summary(_ => "Aurora"));
    }

    [Fact]
    public void Summary_FiltersAndProperties_InWordsNotIds()
    {
        var form = new ExplorerForm
        {
            Campaigns = [Guid.NewGuid()], Types = ["checkout_failed", "page_view"], GroupBy = ["property:reward"], Measures = ["unique_customers", "sum_amount"],
            Filters = [new ExplorerFilter { Field = "source", Op = "not", Values = "direct" }, new ExplorerFilter { Field = "property:payment", Op = "exists" }],
            Time = ExplorerTimeMode.AllTime,
        };

        var summary = form.Summary(_ => "Ember Isles");

        Assert.Equal("Unique customers, Amount by reward (property) · Checkout failed, Visit · Source none of direct · payment (property) is set · all time · Ember Isles", summary);
        Assert.DoesNotContain("_", summary);
    }
}
